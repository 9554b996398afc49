// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
        // For the benchmarks package in Benchmarks/ (and nothing else): the pure layers.
        .library(name: "VigilKit", targets: ["VigilCore", "VigilRender", "VigilSources"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // ncurses, quarantined: only VigilTerminal imports it.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        // Tiny C target: SIGWINCH/SIGHUP/SIGTERM handlers that write to the self-pipe.
        .target(name: "CVigilSignal", path: "Sources/CVigilSignal"),
        // Pure domain: model, metrics, state, reducer, key map. Foundation only.
        .target(name: "VigilCore"),
        // The diagnostic log: swift-log records to a size-bounded file, every line redacted.
        .target(name: "VigilLog", dependencies: [.product(name: "Logging", package: "swift-log")]),
        // Yams behind a guard against YAML that is cheap to write and ruinous to compose.
        .target(name: "VigilYAML", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Pure rendering: cell grid, widgets, themes, views.
        .target(name: "VigilRender", dependencies: ["VigilCore", "VigilYAML", .product(name: "Yams", package: "Yams")]),
        // Sources: one folder per kind (config keys, decoder, source), their registry, the HTTP transport.
        .target(name: "VigilSources", dependencies: [
            "VigilCore", "VigilYAML", "VigilLog", .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The YAML config file: parsing, validation with file/line/key errors, secrets.
        .target(name: "VigilConfig", dependencies: ["VigilCore", "VigilSources", "VigilYAML", .product(name: "Yams", package: "Yams")]),
        // Durable state in SQLite: acknowledgement outbox, incident history, audit log.
        .target(name: "VigilStore", dependencies: ["VigilCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // Test support: real Prometheus / Alertmanager servers on loopback, started per test.
        .target(name: "VigilTestSupport", dependencies: ["VigilCore"]),
        // The only code that touches ncurses.
        .target(name: "VigilTerminal", dependencies: ["CNcursesw", "CVigilSignal", "VigilRender", "VigilCore"]),
        // Event loop, effect runner, pollers.
        .target(name: "VigilRuntime", dependencies: ["VigilCore", "VigilRender", "VigilSources", "VigilTerminal", "VigilConfig",
                                                     "VigilStore", "CVigilSignal", "VigilLog",
                                                     .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "vigil", dependencies: [
            "VigilRuntime", "VigilCore", "VigilRender", "VigilSources", "VigilTerminal", "VigilConfig", "VigilStore",
            "CVigilSignal", "VigilLog",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore", "VigilTestSupport"]),
        .testTarget(name: "VigilRenderTests", dependencies: ["VigilRender", "VigilCore", "VigilSources", "VigilTestSupport"],
                    exclude: ["Golden"]),
        .testTarget(name: "VigilSourcesTests", dependencies: ["VigilSources", "VigilCore", "VigilTestSupport",
                                                         .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(name: "VigilStoreTests", dependencies: ["VigilStore", "VigilCore"]),
        .testTarget(name: "VigilLogTests", dependencies: ["VigilLog", "VigilSources", "VigilCore", "VigilTestSupport",
                                                      .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "VigilFuzzTests", dependencies: [
            "VigilSources", "VigilCore", "VigilConfig", "VigilRender", "VigilYAML",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ], swiftSettings: [.define("VIGIL_FUZZ_YAML")]),
        .testTarget(name: "VigilConfigTests", dependencies: ["VigilConfig", "VigilSources", "VigilCore"]),
        .testTarget(name: "VigilTerminalTests", dependencies: ["VigilTerminal", "VigilRender", "VigilCore"]),
        .testTarget(name: "VigilRuntimeTests", dependencies: ["VigilRuntime", "VigilSources", "VigilCore", "VigilStore", "VigilConfig",
                                                          "VigilRender", "VigilTerminal", "CVigilSignal", "VigilLog",
                                                          "VigilTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["vigil", "VigilTestSupport"]),
    ]
)
