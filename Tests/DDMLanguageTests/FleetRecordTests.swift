import Foundation
import Testing
@testable import DDMLanguage

/// The fleet record as a run keeps it while its targets run (`FleetRecordKeeper`): what a run
/// killed at any point leaves its `--retry-failed`.
@Suite struct FleetRecordTests {
    /// A write in flight when the run is killed has an unknown outcome: the retry refuses that
    /// target rather than send it again or call it done.
    @Test func aWriteInFlightAtAKillIsUnknownToTheRetry() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let record = FleetRecord(directory: dir, fleet: "f", endpoint: "e", project: "p")
        let keeper = FleetRecordKeeper(record, [:], keeping: true)
        keeper.note("ddm-a", .sending(summary: "create account a1"), over: nil) { $0 }
        keeper.note("ddm-a", .answered(summary: "create account a1"), over: nil) { $0 }
        keeper.note("ddm-a", .stepApplied(step: 0), over: nil) { $0 }
        keeper.note("ddm-a", .sending(summary: "add 1 node to ddm-a"), over: nil) { $0 }
        keeper.note("ddm-b", .sending(summary: "create account a1"), over: nil) { $0 }
        keeper.note("ddm-b", .answered(summary: "create account a1"), over: nil) { $0 }
        // A step answered but not done (a batch killed between two accounts) runs again whole.
        keeper.note("ddm-c", .sending(summary: "modify account a1"), over: nil) { $0 }
        keeper.note("ddm-c", .answered(summary: "modify account a1"), over: nil) { $0 }
        // A step whose write started a job is done but for the waiting.
        keeper.note("ddm-c", .sending(summary: "add 1 node to ddm-c"), over: nil) { $0 }
        keeper.note("ddm-c", .answered(summary: "add 1 node to ddm-c"), over: nil) { $0 }
        keeper.note("ddm-c", .job(step: 1, id: "job-1"), over: nil) { $0 + 10 }
        // As a killed run leaves it, read back by the retry.
        let left = try #require(record.load())
        #expect(left["ddm-a"]?.status == "running" && left["ddm-a"]?.applied == [0] && left["ddm-a"]?.unknown == ["add 1 node to ddm-a"])
        #expect(left["ddm-a"]?.succeeded == false)
        #expect(left["ddm-b"]?.applied == [] && left["ddm-b"]?.unknown == [])
        #expect(left["ddm-c"]?.applied == [11] && left["ddm-c"]?.jobs == ["job-1"] && left["ddm-c"]?.unknown == [])
    }

}

/// What makes a fleet the same one for `--retry-failed`.
@Suite struct FleetIdentityTests {
    func identity(_ text: String, _ variables: [String: Value] = [:]) throws -> String {
        var options = Compiler.Options()
        options.variables = variables
        let compiled = Compiler.compile(SourceFile(name: "f.ddm", text: text), options: options)
        #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics.map(\.message))")
        return try #require(compiled.plan.steps.first?.step as? Fleet<Resolved>).identity
    }

    /// The same body with other values (`-v u=usr7`, then `-v u=usr99 --retry-failed`) is another
    /// fleet: its retry found usr7's record and ran nothing.
    @Test func variablesValuesArePartOfIt() throws {
        let body = "on instances (ddm-a, ddm-b) { create user $u if not exists password env PW; }"
        #expect(try identity(body, ["u": .string("usr7")]) != identity(body, ["u": .string("usr99")]))
        #expect(try identity(body, ["u": .string("usr7")]) == identity(body, ["u": .string("usr7")]))
        // Without variables it is as before, so a record made by an earlier ddmsh is still found.
        #expect(try identity("on instances (ddm-a) concurrency 2 { show schemas; }") == "on instances (ddm-a) { show schemas; }")
    }
}
