import Foundation
import Testing
import VigilSources
import VigilConfig
import VigilCore

@Suite struct WallConfigTests {
    @Test func theWallSectionSetsRotationBellRepaintAndStart() throws {
        let config = try load("""
            wall: {start: true, rotate: 45s, bell: true, repaint: 2m}
            sources: [{name: d, type: demo}]
            """)
        #expect(config.startOnWall)
        #expect(config.wall == WallSettings(rotateEvery: 45, bell: true, repaintEvery: 120))
        #expect(config.description.contains("wall: pages every 45s, repaint every 2m, bell, starts on the wall"))
        let plain = try load("sources: [{name: d, type: demo}]\n")
        #expect(!plain.startOnWall && plain.wall == WallSettings())
    }

    @Test func badWallValuesNameTheLineAndTheFix() throws {
        let short = try #require(loadError("sources: [{name: d, type: demo}]\nwall:\n  rotate: 2s\n"))
        #expect(short.line == 3)
        #expect(short.description.contains("wall.rotate"))
        #expect(short.description.contains("a page must stay long enough to be read from across a room"), "\(short)")
        let typo = try #require(loadError("sources: [{name: d, type: demo}]\nwall: {rotat: 30s}\n"))
        #expect(typo.description.contains("did you mean 'rotate'"), "\(typo)")
        let shape = try #require(loadError("sources: [{name: d, type: demo}]\nwall: yes\n"))
        #expect(shape.description.contains("a mapping such as {rotate: 30s, bell: true, repaint: 5m}"), "\(shape)")
    }
}
