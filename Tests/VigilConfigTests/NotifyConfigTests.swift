import Foundation
import Testing
import VigilSources
import VigilConfig
import VigilCore

@Suite struct NotifyConfigTests {
    @Test func theNotifySectionSetsEveryKeyAndDefaultsToSilent() throws {
        let config = try load("""
            notify: {desktop: true, bell: true, protocol: OSC777, min_interval: 1m, on_wall: true, title: false}
            sources: [{name: d, type: demo}]
            """)
        #expect(config.notify == NotifySettings(desktop: true, bell: true, protocolChoice: .osc777, minInterval: 60,
                                                onWall: true, title: false))
        let plain = try load("sources: [{name: d, type: demo}]\n")
        #expect(plain.notify == NotifySettings())
        #expect(!plain.notify.desktop && !plain.notify.bell && !plain.notify.onWall && plain.notify.title)
        #expect(plain.notify.protocolChoice == .auto && plain.notify.minInterval == 30)
    }

    @Test func badNotifyValuesNameTheLineAndTheFix() throws {
        let short = try #require(loadError("sources: [{name: d, type: demo}]\nnotify:\n  min_interval: 1s\n"))
        #expect(short.line == 3)
        #expect(short.description.contains("notify.min_interval"), "\(short)")
        #expect(short.description.contains("a burst of pages must not become a burst of notifications"), "\(short)")
        let proto = try #require(loadError("sources: [{name: d, type: demo}]\nnotify: {protocol: osc99}\n"))
        #expect(proto.description.contains("notify.protocol"), "\(proto)")
        #expect(proto.description.contains("osc777"), "\(proto)")
        let typo = try #require(loadError("sources: [{name: d, type: demo}]\nnotify: {desktp: true}\n"))
        #expect(typo.description.contains("did you mean 'desktop'"), "\(typo)")
    }

    @Test func theMouseIsOffUnlessTheConfigSaysSo() throws {
        #expect(try load("sources: [{name: d, type: demo}]\n").mouse == false)
        #expect(try load("mouse: true\nsources: [{name: d, type: demo}]\n").mouse == true)
        let bad = try #require(loadError("sources: [{name: d, type: demo}]\nmouse: sometimes\n"))
        #expect(bad.line == 2)
        #expect(bad.description.contains("mouse"), "\(bad)")
    }

    /// `log_level:` and `log_file:`: the level by name, the file resolved against the config's
    /// directory; a wrong level names the line and the levels there are.
    @Test func theLogLevelAndFileAreReadAndCheckedWithTheirLine() throws {
        let plain = try load("sources: [{name: d, type: demo}]\n")
        #expect(plain.logLevel == nil && plain.logFile == nil)
        let set = try load("log_level: Debug\nlog_file: logs/vigil.log\nsources: [{name: d, type: demo}]\n")
        #expect(set.logLevel == "debug")
        let dir = URL(fileURLWithPath: configFile).deletingLastPathComponent().path
        #expect(set.logFile == dir + "/logs/vigil.log")
        let bad = try #require(loadError("sources: [{name: d, type: demo}]\nlog_level: verbose\n"))
        #expect(bad.line == 2)
        #expect(bad.description.contains("log_level") && bad.description.contains("trace"), "\(bad)")
        let empty = try #require(loadError("log_file: ''\nsources: [{name: d, type: demo}]\n"))
        #expect(empty.line == 1 && empty.description.contains("XDG_STATE_HOME"), "\(empty)")
    }
}
