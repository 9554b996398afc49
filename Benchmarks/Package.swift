// swift-tools-version:6.1
// Benchmarks for Vigil's pure layers (render, frame diff, metrics, decoding), kept in a package of
// their own so the main build and CI never compile ordo-one/benchmark. Run from this directory:
//   swift package --disable-sandbox benchmark
import PackageDescription

let package = Package(
    name: "VigilBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its directory's name (a clone
        // may be called anything).
        .package(name: "Vigil", path: ".."),
        // The trait list replaces the default traits, which include "RuntimeInterposer" (a
        // package the local mirror does not carry); "MallocInterposer" keeps the malloc counts.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Deterministic inputs at issue 5's scale, shared by the two executables.
        .target(name: "VigilBenchInputs", dependencies: [.product(name: "VigilKit", package: "Vigil")]),
        // The package-benchmark suite (the plugin runs executables under Benchmarks/).
        .executableTarget(
            name: "VigilBenchmarks",
            dependencies: [
                "VigilBenchInputs",
                .product(name: "VigilKit", package: "Vigil"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/VigilBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The same workloads as a plain executable, for callgrind or perf.
        .executableTarget(name: "vigil-profile", dependencies: ["VigilBenchInputs", .product(name: "VigilKit", package: "Vigil")]),
    ]
)
