import Foundation
import LocalTestSupport
import Testing

/// The instance administration calls on the wire: state changes, transient statuses and DDM's
/// error shape for each refused value.
@Suite(.stopsWhatItStarts) struct AdminServiceTests {
    func v3(_ rest: String) -> String { "/v3/\(RawClient.project)/\(rest)" }

    func expectError(_ a: RawClient.Answer, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.status == status, "\(a.json)", sourceLocation: sourceLocation)
        #expect(a.code == "DBS.280001", "\(a.json)", sourceLocation: sourceLocation)
        #expect(!a.message.isEmpty, sourceLocation: sourceLocation)
    }

    func nodes(_ r: RawClient, _ id: String) async throws -> [String] {
        let a = try await r.send("GET", r.v1("instances/\(id)/nodes"))
        return (a.json["nodes"] as? [[String: Any]] ?? []).compactMap { $0["node_id"] as? String }
    }

    @Test func nodesGrowAndShrinkThroughTheirStatuses() async throws {
        let clock = Clock(Date().timeIntervalSince1970)
        let r = try await RawClient.start { $0.createDelay = 4; $0.clock = clock.now }
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance(date: clock.now())
        clock.advance(5)
        let add = try await r.send("POST", v3("instances/\(id)/nodes"), body: #"{"nodes":[{"available_zone":"ap-southeast-1a"},{"available_zone":"ap-southeast-1b"}]}"#, date: clock.now())
        #expect(add.status == 200 && add.json["job_id"] is String, "\(add.json)")
        #expect(try await r.send("GET", r.v1("instances/\(id)"), date: clock.now()).json["status"] as? String == "GROWING")
        #expect(try await nodes(r, id).count == 3)
        // One operation at a time (§9): busy while growing.
        let busy = try await r.send("PUT", v3("instances/\(id)/port"), body: #"{"port":5070}"#, date: clock.now())
        #expect(busy.status == 409)
        clock.advance(3)
        #expect(try await r.send("GET", r.v1("instances/\(id)"), date: clock.now()).json["status"] as? String == "RUNNING")

        let all = try await nodes(r, id)
        let reduce = try await r.send("POST", "/v2/\(RawClient.project)/instances/\(id)/action/reduce", body: #"{"node_number":1}"#, date: clock.now())
        #expect(reduce.status == 200 && reduce.json["jobId"] is String, "\(reduce.json)")
        #expect(try await r.send("GET", r.v1("instances/\(id)"), date: clock.now()).json["status"] as? String == "REDUCING")
        clock.advance(3)
        #expect(try await nodes(r, id) == Array(all.prefix(2)))
        let byId = try await r.send("POST", v3("instances/\(id)/nodes/batch-delete"), body: #"{"node_ids":["\#(all[1])"]}"#, date: clock.now())
        #expect(byId.status == 200, "\(byId.json)")
        clock.advance(3)
        #expect(try await nodes(r, id) == [all[0]])
    }

    /// Creating or dropping a schema makes the instance CREATE_DATABASE / DROP_DATABASE for a while:
    /// other operations get 409 DBS.200019 meanwhile, and it is RUNNING again after.
    @Test func schemaOperationsPassTheInstanceThroughItsBusyStatuses() async throws {
        let clock = Clock(Date().timeIntervalSince1970)
        let r = try await RawClient.start { $0.createDelay = 4; $0.clock = clock.now }
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance(date: clock.now())
        clock.advance(5)
        let created = try await r.send("POST", r.v1("instances/\(id)/databases"), body: RawClient.schemaBody("orders"), date: clock.now())
        #expect(created.status == 200, "\(created.json)")
        #expect(try await r.send("GET", r.v1("instances/\(id)"), date: clock.now()).json["status"] as? String == "CREATE_DATABASE")
        let busy = try await r.send("POST", r.v1("instances/\(id)/users"), body: #"{"users":[{"name":"app","password":"App_pass_12!","base_authority":["SELECT"]}]}"#, date: clock.now())
        #expect(busy.status == 409 && busy.code == "DBS.200019", "\(busy.json)")
        clock.advance(3)
        #expect(try await r.send("GET", r.v1("instances/\(id)"), date: clock.now()).json["status"] as? String == "RUNNING")
        let dropped = try await r.send("DELETE", r.v1("instances/\(id)/databases/orders"), date: clock.now())
        #expect(dropped.status == 200 || dropped.status == 202, "\(dropped.json)")
        #expect(try await r.send("GET", r.v1("instances/\(id)"), date: clock.now()).json["status"] as? String == "DROP_DATABASE")
        clock.advance(3)
        #expect(try await r.send("GET", r.v1("instances/\(id)"), date: clock.now()).json["status"] as? String == "RUNNING")
    }

    /// The SDK's v2 scale-out is served (not under `--api v3`, as a region that moved to v3 would).
    @Test func theV2ScaleOutIsServed() async throws {
        let r = try await RawClient.start { $0.createDelay = 0 }
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        let flavor = "8f2e696c-a9c1-30bd-af90-25522bc67606"
        let path = "/v2/\(RawClient.project)/instances/\(id)/action/enlarge"
        let grown = try await r.send("POST", path, body: #"{"flavor_id":"\#(flavor)","node_number":2}"#)
        #expect(grown.status == 200 && grown.json["jobId"] is String && grown.json["instanceId"] as? String == id, "\(grown.json)")
        #expect(try await nodes(r, id).count == 3)
        expectError(try await r.send("POST", path, body: #"{"flavor_id":"other","node_number":1}"#), 400)
        expectError(try await r.send("POST", path, body: #"{"flavor_id":"\#(flavor)","node_number":2,"available_zones":["ap-southeast-1a"]}"#), 400)
        expectError(try await r.send("POST", path, body: #"{"flavor_id":"\#(flavor)","node_number":0}"#), 400)

        let v3Only = try await RawClient.start { $0.api = .v3 }
        defer { stopAfterTest { await v3Only.stop() } }
        // The route is gone, whatever the instance: the gateway answers before any handler.
        let refused = try await v3Only.send("POST", "/v2/\(RawClient.project)/instances/\(id)/action/enlarge", body: #"{"flavor_id":"\#(flavor)","node_number":1}"#)
        #expect(refused.status == 404 && refused.code == "APIGW.0101", "\(refused.json)")
    }

    /// v3's password_lifetime: whole days 0 to 65535; a JSON boolean is not a number (on Linux
    /// Foundation gives 0 and 1 as NSNumbers that `is Bool`, so the check must look closer).
    @Test func passwordLifetimeTakesWholeDays() async throws {
        let r = try await RawClient.start { $0.createDelay = 0 }
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        let users = v3("instances/\(id)/users")
        func create(_ name: String, _ lifetime: String) async throws -> RawClient.Answer {
            try await r.send("POST", users, body: #"{"name":"\#(name)","password":"App_pass_12!","base_authority":["SELECT"],"password_lifetime":\#(lifetime)}"#)
        }
        #expect(try await create("zero", "0").status == 200)
        #expect(try await create("one", "1").status == 200)
        expectError(try await create("flag", "true"), 400)
        expectError(try await create("huge", "70000"), 400)
        expectError(try await create("text", "\"90\""), 400)
    }

    /// The task list takes its window always (the SDK sends it), and 30 days back at most.
    @Test func theTaskListNeedsItsTimeWindow() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let day: Int64 = 86_400_000
        expectError(try await r.send("GET", v3("jobs")), 400)
        expectError(try await r.send("GET", v3("jobs"), query: [("start_time", String(now - day))]), 400)
        expectError(try await r.send("GET", v3("jobs"), query: [("start_time", "yesterday"), ("end_time", String(now))]), 400)
        expectError(try await r.send("GET", v3("jobs"), query: [("start_time", String(now)), ("end_time", String(now - day))]), 400)
        expectError(try await r.send("GET", v3("jobs"), query: [("start_time", String(now - 31 * day)), ("end_time", String(now))]), 400)
        let ok = try await r.send("GET", v3("jobs"), query: [("start_time", String(now - 7 * day)), ("end_time", String(now))])
        #expect(ok.status == 200 && ok.json["jobs"] is [Any], "\(ok.json)")
    }

    @Test func refusedValuesGetDDMsErrorShape() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        let only = try await nodes(r, id)
        // Scaling in below one node, by count or by id; more than 32 nodes; unknown zone.
        expectError(try await r.send("POST", "/v2/\(RawClient.project)/instances/\(id)/action/reduce", body: #"{"node_number":1}"#), 400)
        expectError(try await r.send("POST", v3("instances/\(id)/nodes/batch-delete"), body: #"{"node_ids":["\#(only[0])"]}"#), 400)
        expectError(try await r.send("POST", v3("instances/\(id)/nodes/batch-delete"), body: #"{"node_ids":["nope"]}"#), 404)
        let many = (0..<32).map { _ in #"{"available_zone":"ap-southeast-1a"}"# }.joined(separator: ",")
        expectError(try await r.send("POST", v3("instances/\(id)/nodes"), body: #"{"nodes":[\#(many)]}"#), 400)
        expectError(try await r.send("POST", v3("instances/\(id)/nodes"), body: #"{"nodes":[{"available_zone":"mars-1"}]}"#), 400)
        // A flavor that does not exist, or the one it has.
        expectError(try await r.send("PUT", v3("instances/\(id)/flavor"), body: #"{"spec_code":"ddm.c9.huge"}"#), 400)
        expectError(try await r.send("PUT", v3("instances/\(id)/flavor"), body: #"{"spec_code":"ddm.c6.large.2"}"#), 400)
        // Ports outside the range; parameters unknown, out of range, of the wrong kind.
        expectError(try await r.send("PUT", v3("instances/\(id)/port"), body: #"{"port":80}"#), 400)
        expectError(try await r.send("PUT", v3("instances/\(id)/port"), body: #"{"port":70000}"#), 400)
        let params = "/v3.1/\(RawClient.project)/instances/\(id)/configurations"
        expectError(try await r.send("PUT", params, body: #"{"values":{"no_such_thing":"1"}}"#), 400)
        expectError(try await r.send("PUT", params, body: #"{"values":{"max_connections":"5"}}"#), 400)
        expectError(try await r.send("PUT", params, body: #"{"values":{"max_connections":"many"}}"#), 400)
        expectError(try await r.send("PUT", params, body: #"{"values":{"sql_audit":"MAYBE"}}"#), 400)
        // Slow logs: both ends required, at most 7 days apart.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        expectError(try await r.send("GET", v3("instances/\(id)/slow-logs")), 400)
        expectError(try await r.send("GET", v3("instances/\(id)/slow-logs"), query: [("start_date", String(now - 8 * 86_400_000)), ("end_date", String(now))]), 400)
        // Processes that do not exist; an EIP that is not an address; no EIP to unbind.
        expectError(try await r.send("DELETE", v3("instances/\(id)/logical-processes"), body: #"{"process_ids":["9999"]}"#), 404)
        expectError(try await r.send("POST", v3("instances/\(id)/eip"), body: #"{"public_ip":"1.2.3","public_ip_id":"e"}"#), 400)
        expectError(try await r.send("DELETE", v3("instances/\(id)/eip")), 400)
        // Engine versions: not a newer one; nothing to roll back.
        expectError(try await r.send("POST", v3("instances/\(id)/database-version/change-version"), body: #"{"target_version":"2.0.0"}"#), 400)
        expectError(try await r.send("POST", v3("instances/\(id)/database-version/rollback-version")), 400)
    }

    @Test func parametersChangeInBothVersionsAndSayWhenARestartIsNeeded() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        func value(_ name: String) async throws -> String? {
            let a = try await r.send("GET", v3("instances/\(id)/configurations"))
            return (a.json["configuration_parameter"] as? [[String: Any]])?.first { $0["name"] as? String == name }?["value"] as? String
        }
        let v31 = try await r.send("PUT", "/v3.1/\(RawClient.project)/instances/\(id)/configurations", body: #"{"values":{"max_connections":"30000"}}"#)
        #expect(v31.json["need_restart"] as? Bool == false, "\(v31.json)")
        #expect(try await value("max_connections") == "30000")
        let old = try await r.send("PUT", v3("instances/\(id)/configurations"), body: #"{"values":{"character_set_server":"utf8"}}"#)
        #expect(old.json["needRestart"] as? Bool == true && old.json["jobId"] is String, "\(old.json)")
        #expect(try await value("character_set_server") == "utf8")
    }

    @Test func slowLogsPageWithinTheirWindow() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        func page(_ from: Int64, _ offset: Int, _ limit: Int) async throws -> (Int, [[String: Any]]) {
            let a = try await r.send("GET", v3("instances/\(id)/slow-logs"),
                                     query: [("offset", String(offset)), ("limit", String(limit)), ("start_date", String(from)), ("end_date", String(now))])
            return (a.json["total_record"] as? Int ?? -1, a.json["slow_log_list"] as? [[String: Any]] ?? [])
        }
        let (total, first) = try await page(now - 7 * 86_400_000, 0, 100)
        #expect(total == 30 && first.count == 30)
        let (_, second) = try await page(now - 7 * 86_400_000, 10, 10)
        #expect(second.map { $0["log_time"] as? String } == first[10..<20].map { $0["log_time"] as? String })
        let (day, _) = try await page(now - 86_400_000, 0, 10)
        #expect(day > 0 && day < 30)
    }
}

/// A service clock a test moves by hand.
final class Clock: @unchecked Sendable {
    private var t: Double
    private let lock = NSLock()
    init(_ start: Double) { t = start }
    func advance(_ s: Double) { lock.withLock { t += s } }
    @Sendable func now() -> Date { lock.withLock { Date(timeIntervalSince1970: t) } }
}
