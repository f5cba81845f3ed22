import Foundation
import LineEditor
@testable import DDMShell
import Testing

/// Two REPLs open at once share one history file: each keeps its own lines, whichever ends first.
@Suite struct HistoryMergeTests {
    @Test func overlappingSessionsBothKeepTheirHistory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/history"
        let first = EditLineReader(program: "ddmsh-test", historyFile: file, completion: nil)
        let second = EditLineReader(program: "ddmsh-test", historyFile: file, completion: nil)
        first.addHistory("show users;")
        second.addHistory("show schemas;")
        first.addHistory("show instances;")
        // Each session saves its whole list at its end, in either order.
        second.saveHistory()
        first.saveHistory()
        let after = EditLineReader(program: "ddmsh-test", historyFile: file, completion: nil)
        #expect(after.history.sorted() == ["show instances;", "show schemas;", "show users;"])
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

/// A run that starts slowed by a rate an earlier run learned says so (on a terminal), with where
/// the rate is kept; a start at full speed says nothing.
@Suite struct SlowedStartTests {
    @Test func aLearnedSlowRateIsSaidWithItsAgeAndHowToForgetIt() throws {
        let line = try #require(Session.slowedStart((callsPerMinute: 3, age: 7300), memory: "/home/u/.cache/ddmsh/pacing.json"))
        #expect(line == "pacing: starting at 3.0 calls/min, as this endpoint throttled an earlier run 2 h ago (kept for a day; delete /home/u/.cache/ddmsh/pacing.json to start unpaced)")
        #expect(Session.slowedStart((callsPerMinute: 45, age: 120), memory: "p")?.contains("45 calls/min, as this endpoint throttled an earlier run 2 min ago") == true)
        #expect(Session.slowedStart(nil, memory: "p") == nil)
        #expect(Session.slowedStart((callsPerMinute: 6000, age: 60), memory: "p") == nil)
    }
}
