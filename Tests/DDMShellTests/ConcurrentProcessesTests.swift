import Foundation
import Testing

/// The issue's probe: two ddmsh processes at once, `grant ALTER` and `grant INDEX` to the same
/// accounts. Each used to write the whole privilege list from one read, so every account ended
/// with one of the two. Counted at the service, every account now has both.
@Suite(.serialized) struct ConcurrentProcessesTests {
    let drill = DrillTests()

    @Test func twoProcessesGrantingToTheSameAccountsLoseNothing() throws {
        let home = try Binary.temporaryHome()
        let server = try ServeTests.Server(state: home + "/state.sqlite", environment: ["DDM_LOCAL_TOKEN": DrillTests.token])
        defer { server.stop() }
        let names = (320..<350).map { "a\($0)" }
        try drill.seed(server, names, home: home)
        // Paced so that each batch takes seconds: the two overlap from start to end.
        let runs = try ["ALTER", "INDEX"].map { privilege in
            let p = try drill.ddmsh(server, ["--rate-limit", "600", "-c", "grant \(privilege) on orders to \(names.joined(separator: ", "));"], home: home)
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            return (p, out)
        }
        for (p, _) in runs { try p.run() }
        for (p, _) in runs { p.waitUntilExit() }
        for (p, out) in runs {
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(p.terminationStatus == 0, "\(text)")
            #expect(text.contains("batch: 30 changed"), "\(text)")
        }
        let users = try drill.run(server, ["--output", "csv", "-c", "show users"], home: home)
        let rows = users.stdout.split(separator: "\r\n").dropFirst()
        #expect(rows.count == 30)
        let both = rows.filter { $0.contains("ALTER") && $0.contains("INDEX") }
        #expect(both.count == 30, "\(30 - both.count) accounts lost a grant:\n\(users.stdout)")
    }
}
