import CVigilSignal
import Foundation
import Testing

/// `vigil_release_file_pages`, which the app calls once start-up is over: the pages of files
/// go, what the process wrote stays, and the code still runs afterwards.
@Suite struct StartupPagesTests {
    /// A field of /proc/self/status in KiB ("RssFile", "RssAnon").
    static func status(_ field: String) -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    @Test func filePagesGoAndWrittenMemoryStays() throws {
        // Written memory (anonymous, and relocated data of the binary) must not be touched: a
        // buffer filled with a pattern reads back the same after the call.
        var written = [UInt64](repeating: 0, count: 1 << 18)
        for i in written.indices { written[i] = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 }
        let fileBefore = Self.status("RssFile")
        let released = vigil_release_file_pages()
        let fileAfter = Self.status("RssFile")
        #expect(released > 0, "the test binary's own code pages are file pages of this process")
        #expect(fileAfter < fileBefore, "RssFile \(fileBefore) KiB before, \(fileAfter) KiB after")
        #expect(written.indices.allSatisfy { written[$0] == UInt64($0) &* 0x9E37_79B9_7F4A_7C15 })
        // The code that was handed back comes back when it runs again.
        let json = try JSONSerialization.data(withJSONObject: ["still": "running"])
        #expect(String(decoding: json, as: UTF8.self) == #"{"still":"running"}"#)
        written.removeAll()
    }
}
