#!/bin/sh
# libFuzzer on Vigil's decoders (fuzz/README.md, "libFuzzer").
#
#   fuzz/libfuzzer/run.sh <target> [libFuzzer options]
#   fuzz/libfuzzer/run.sh prometheus -max_total_time=300
#
# <target> is a directory of fuzz/corpus (pagerduty-incidents, pagerduty-log-entries,
# alertmanager-alerts, alertmanager-silences, github-actions-runs, jenkins, prometheus). The committed
# corpus is the seed and is never written to: new inputs go to .build/fuzz/corpus/<target>,
# crashes to .build/fuzz/crashes/<target>/. Needs a Swift toolchain with libFuzzer (Linux).
set -eu
cd "$(dirname "$0")/../.."
target="${1:?usage: fuzz/libfuzzer/run.sh <target> [libFuzzer options]}"
shift
[ -d "fuzz/corpus/$target" ] || { echo "no corpus fuzz/corpus/$target" >&2; exit 2; }

out=.build/fuzz
binary="$out/vigil-fuzz"
mkdir -p "$out/corpus/$target" "$out/crashes/$target"

# VigilCore and the decoders (not the HTTP transport, which needs NIO) in one module, so the
# harness reaches internal API; rebuilt when any source is newer than the binary.
sources="$(ls Sources/VigilCore/*.swift) Sources/VigilSources/Source.swift Sources/VigilSources/SourceDecoding.swift Sources/VigilSources/JSONArraySplitter.swift
Sources/VigilSources/HTTP.swift Sources/VigilSources/Prometheus/PrometheusSettings.swift Sources/VigilSources/Prometheus/PrometheusCounters.swift
Sources/VigilSources/PagerDuty/PagerDutyDecoder.swift Sources/VigilSources/PagerDuty/PagerDutyAnswers.swift Sources/VigilSources/Alertmanager/AlertmanagerDecoder.swift
Sources/VigilSources/GitHub/GitHubActionsDecoder.swift Sources/VigilSources/Jenkins/JenkinsDecoder.swift
Sources/VigilSources/Jenkins/JenkinsSettings.swift Sources/VigilSources/Prometheus/PrometheusDecoder.swift
Sources/VigilSources/Prometheus/PrometheusResults.swift Sources/VigilSources/Prometheus/PrometheusSource.swift fuzz/libfuzzer/Harness.swift"
stale=0
[ -x "$binary" ] || stale=1
for f in $sources; do [ "$f" -nt "$binary" ] && stale=1; done
if [ "$stale" = 1 ]; then
    echo "building $binary"
    # shellcheck disable=SC2086
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name VigilCore \
        -suppress-warnings $sources -o "$binary"
fi

echo "fuzzing $target (Ctrl-C to stop)"
VIGIL_FUZZ_TARGET="$target" exec "$binary" -artifact_prefix="$out/crashes/$target/" -max_len=1048576 \
    -rss_limit_mb=2048 -timeout=10 "$@" "$out/corpus/$target" "fuzz/corpus/$target"
