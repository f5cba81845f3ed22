import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Testing

/// Persistence, lifecycle timing and concurrency of the service's state.
@Suite(.stopsWhatItStarts) struct StateTests {
    @Test func stateSurvivesARestart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ddm-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        let first = try await RawClient.start { $0.statePath = path }
        let id = try await first.instance()
        try await first.schema(id, "orders")
        #expect(try await first.send("POST", first.v1("instances/\(id)/users"),
                                     body: #"{"users":[{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"],"databases":[{"name":"orders"}]}]}"#).status == 200)
        await first.stop()

        let second = try await RawClient.start { $0.statePath = path }
        defer { stopAfterTest { await second.stop() } }
        let users = try await second.send("GET", second.v1("instances/\(id)/users"))
        let list = try #require(users.json["users"] as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["bob"])
        let schemas = try await second.send("GET", second.v1("instances/\(id)/databases"))
        #expect(schemas.json["total"] as? Int == 1)
        // WAL mode on disk.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// A state file damaged on disk: each start says so in words and leaves it as it was.
    @Test func aDamagedStateFileIsSaidAndNotWrittenAtEachFailedStart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ddm-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        let first = try await RawClient.start { $0.statePath = path }
        _ = try await first.instance()
        await first.stop()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        // The first pages only: the schema's pages point past the end.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.truncate(atOffset: 8192)
        try handle.close()
        let damaged = try Data(contentsOf: URL(fileURLWithPath: path))
        for _ in 0..<2 {
            do {
                let service = try await RawClient.start { $0.statePath = path }
                await service.stop()
                Issue.record("a damaged state file started")
            } catch {
                #expect("\(error)".contains("is damaged"), "\(error)")
                #expect(!"\(error)".contains("sqlite_master"))
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == damaged)
        }
    }

    @Test func instanceBecomesRunningAfterTheCreateDelay() async throws {
        // The service's clock is the test's: time moves when the test says, not with the machine.
        let clock = TestClock()
        let r = try await RawClient.start { $0.createDelay = 4; $0.clock = { clock.now } }
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance(date: clock.now)
        func status() async throws -> String? {
            try await r.send("GET", r.v1("instances/\(id)"), date: clock.now).json["status"] as? String
        }
        #expect(try await status() == "CREATING")
        clock.advance(3.9)
        #expect(try await status() == "CREATING")
        clock.advance(0.2)
        #expect(try await status() == "RUNNING")
        #expect(try await r.send("POST", r.v1("instances/\(id)/action"), body: #"{"restart":{"type":"hard"}}"#, date: clock.now).status == 200)
        #expect(try await status() == "RESTARTING")
        clock.advance(2.1)
        #expect(try await status() == "RUNNING")
    }

    @Test func deletingAnInstanceRemovesItsSchemasAndAccounts() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        try await r.schema(id, "orders")
        _ = try await r.send("POST", r.v1("instances/\(id)/users"),
                             body: #"{"users":[{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"]}]}"#)
        #expect(try await r.send("DELETE", r.v1("instances/\(id)"), query: [("delete_rds_data", "true")]).status == 200)
        #expect(try await r.send("GET", r.v1("instances/\(id)/users")).status == 404)
        let other = try await r.instance("ddm-other")
        #expect(try await r.send("GET", r.v1("instances/\(other)/databases")).json["total"] as? Int == 0)
    }

    @Test func concurrentModificationsNeverMix() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        try await r.schema(id, "aaa")
        try await r.schema(id, "bbb")
        _ = try await r.send("POST", r.v1("instances/\(id)/users"),
                             body: #"{"users":[{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"]}]}"#)
        let a = #"{"user":{"base_authority":["SELECT","INSERT"],"description":"A","databases":[{"name":"aaa"}]}}"#
        let b = #"{"user":{"base_authority":["DELETE","UPDATE"],"description":"B","databases":[{"name":"bbb"}]}}"#
        for _ in 0..<10 {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for body in [a, b, a, b] {
                    group.addTask { try await r.send("PUT", r.v1("instances/\(id)/users/bob"), body: body).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            let users = try await r.send("GET", r.v1("instances/\(id)/users"))
            let bob = try #require((users.json["users"] as? [[String: Any]])?.first)
            let state = "\(bob["base_authority"] as? [String] ?? []) \(bob["description"] as? String ?? "") \((bob["databases"] as? [[String: Any]])?.map { $0["name"] as? String ?? "" } ?? [])"
            #expect(state == "[\"INSERT\", \"SELECT\"] A [\"aaa\"]" || state == "[\"DELETE\", \"UPDATE\"] B [\"bbb\"]", "\(state)")
        }
    }
}

/// A clock for the service that moves only when told to.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: Double) { lock.withLock { current += seconds } }
}
