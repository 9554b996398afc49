import Testing
import VigilSources
@testable import VigilConfig

@Suite struct DurationTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3_600)),
        ("1h30m", .seconds(5_400)), ("1.5h", .seconds(5_400)), ("1d", .seconds(86_400)), ("2m30s", .seconds(150)),
        ("0s", .zero), ("1s500ms", .milliseconds(1_500)), (".5s", .milliseconds(500)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(ConfigDuration.parse(text) == expected)
    }

    @Test(arguments: ["", "5", "30", "-1s", "+1s", "1w", "1y", "30 s", "1h 30m", "30S", "s", "1.s.", "ms", "30sec",
                      "5 minutes", "1e3s", "99999999999d"])
    func rejects(text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }

    @Test func formatsAsTheConfigWritesIt() {
        #expect(ConfigDuration.format(.milliseconds(500)) == "500ms")
        #expect(ConfigDuration.format(.seconds(30)) == "30s")
        #expect(ConfigDuration.format(.seconds(5_400)) == "1h30m")
        #expect(ConfigDuration.format(.seconds(86_400 + 60)) == "1d1m")
        #expect(ConfigDuration.format(.zero) == "0s")
    }
}
