import XCTest
@testable import VigilCore

/// The key map is the only dispatch table, so it must never bind one key twice in one context
/// (the second binding would be dead and its help line a lie). Written with XCTest so both test
/// runners of `swift test` report executed tests.
final class KeyMapConsistencyXCTests: XCTestCase {
    func testNoKeyIsBoundTwiceInOneContext() {
        for context in KeyContext.allCases {
            var seen: [Key: String] = [:]
            for b in KeyMap.all where b.context == context {
                for k in b.keys {
                    XCTAssertNil(seen[k], "\(k.label) bound twice in \(context): \(seen[k] ?? "") and \(b.help)")
                    seen[k] = b.help
                }
            }
        }
    }

    func testEveryContextCanBeLeft() {
        for context in KeyContext.allCases {
            let actions = KeyMap.all.filter { $0.context == context }.map(\.action)
            XCTAssertTrue(actions.contains(.quit), "\(context) has no quit")
        }
    }
}
