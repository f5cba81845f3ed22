import Foundation
import LineEditor
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
