import Foundation
import LocalTestSupport
import Testing

/// Every documented validation error, answered with DDM's error body and code.
@Suite(.stopsWhatItStarts) struct ValidationTests {
    func expectError(_ a: RawClient.Answer, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.status == status, "\(a.json)", sourceLocation: sourceLocation)
        #expect(a.code == code, "\(a.json)", sourceLocation: sourceLocation)
        #expect(!a.message.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func instanceCreateRules() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        func create(_ fields: String) async throws -> RawClient.Answer {
            try await r.send("POST", r.v1("instances"), body: #"{"instance":{\#(fields)}}"#)
        }
        let good = #""flavor_id":"8f2e696c-a9c1-30bd-af90-25522bc67606","node_num":1,"engine_id":"2325a707-0361-8be6-dd01-13474bbac437","available_zones":["ap-southeast-1a"],"vpc_id":"v","subnet_id":"s","security_group_id":"g""#
        expectError(try await create(#""name":"ab",\#(good)"#), 400, "DBS.280001")
        expectError(try await create(#""name":"1abc",\#(good)"#), 400, "DBS.280001")
        expectError(try await create(#""name":"ddm-x",\#(good),"time_zone":"UTC+13:00""#), 400, "DBS.300376")
        expectError(try await create(#""name":"ddm-x",\#(good.replacingOccurrences(of: "\"node_num\":1", with: "\"node_num\":0"))"#), 400, "DBS.280001")
        expectError(try await create(#""name":"ddm-x",\#(good),"admin_user_password":"weak""#), 400, "DBS.280001")
        expectError(try await create(#""name":"ddm-x""#), 400, "DBS.280001")
        let missing = try await create(#""name":"ddm-x""#)
        #expect(missing.message.contains("flavor_id"))
        #expect(try await create(#""name":"ddm_ok-1",\#(good),"time_zone":"UTC+08:00""#).status == 200)
    }

    @Test func schemaRules() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        let path = r.v1("instances/\(id)/databases")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("Orders")), 400, "DBS.300407")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("mysql")), 400, "DBS.300406")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("o")), 400, "DBS.300405")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("_orders")), 400, "DBS.300109")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("orders", mode: "ring")), 400, "DBS.300104")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("orders", rds: "nope")), 400, "DBS.300103")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("orders", password: "wrong")), 400, "DBS.300114")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("orders", number: 5, unit: 4)), 400, "DBS.300106")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("orders", number: 1, unit: nil)), 400, "DBS.300106")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("orders", mode: "single", number: 2, unit: nil)), 400, "DBS.300106")
        let dupRDS = #"{"databases":[{"name":"orders","shard_mode":"cluster","shard_number":2,"shard_unit":1,"used_rds":[{"id":"c6f68fed9e74478c8679479a07d7d568in01","adminUser":"root","adminPassword":"x"},{"id":"c6f68fed9e74478c8679479a07d7d568in01","adminUser":"root","adminPassword":"x"}]}]}"#
        expectError(try await r.send("POST", path, body: dupRDS), 400, "DBS.300108")
        try await r.schema(id, "orders")
        expectError(try await r.send("POST", path, body: RawClient.schemaBody("orders")), 400, "DBS.300112")
        expectError(try await r.send("GET", path + "/nothere"), 404, "DBS.300129")
        expectError(try await r.send("DELETE", path + "/orders", query: [("delete_rds_data", "maybe")]), 400, "DBS.280001")
    }

    @Test func accountRules() async throws {
        let r = try await RawClient.start { $0.maxAccounts = 3 }
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        try await r.schema(id, "orders")
        let users = r.v1("instances/\(id)/users")
        func create(_ user: String) async throws -> RawClient.Answer {
            try await r.send("POST", users, body: #"{"users":[\#(user)]}"#)
        }
        expectError(try await create(#"{"name":"1x","password":"Str0ng_pass","base_authority":["SELECT"]}"#), 400, "DBS.300305")
        expectError(try await create(#"{"name":"bob","password":"short","base_authority":["SELECT"]}"#), 400, "DBS.300306")
        expectError(try await create(#"{"name":"bob","password":"alllowercase","base_authority":["SELECT"]}"#), 400, "DBS.300306")
        expectError(try await create(#"{"name":"bob","password":"Passw0rd!","base_authority":["SELECT"]}"#), 400, "DBS.300306")
        expectError(try await create(#"{"name":"Ab_12345","password":"54321_bA","base_authority":["SELECT"]}"#), 400, "DBS.300306")
        expectError(try await create(#"{"name":"bob","password":"Str0ng_pass","base_authority":["READ"]}"#), 400, "DBS.300309")
        expectError(try await create(#"{"name":"bob","password":"Str0ng_pass","base_authority":[]}"#), 400, "DBS.300309")
        expectError(try await create(#"{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"],"extend_authority":["fulltableDelete"]}"#), 400, "DBS.300310")
        expectError(try await create(#"{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"],"extend_authority":["fullSomething"]}"#), 400, "DBS.300310")
        let long = String(repeating: "d", count: 257)
        expectError(try await create(#"{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"],"description":"\#(long)"}"#), 400, "DBS.300307")
        expectError(try await create(#"{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"],"databases":[{"name":"ghost"}]}"#), 400, "DBS.300300")
        expectError(try await create(#"{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"]},{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"]}"#), 400, "DBS.300107")
        #expect(try await create(#"{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"],"databases":[{"name":"ORDERS"}]}"#).status == 200)
        expectError(try await create(#"{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"]}"#), 400, "DBS.300311")
        #expect(try await create(#"{"name":"amy","password":"Str0ng_pass","base_authority":["SELECT"]}"#).status == 200)
        #expect(try await create(#"{"name":"cat","password":"Str0ng_pass","base_authority":["SELECT"]}"#).status == 200)
        expectError(try await create(#"{"name":"dan","password":"Str0ng_pass","base_authority":["SELECT"]}"#), 400, "DBS.300300")

        let bob = users + "/bob"
        expectError(try await r.send("PUT", bob, body: #"{"user":{}}"#), 400, "DBS.280001")
        expectError(try await r.send("PUT", bob, body: #"{"user":{"base_authority":["SELECT"],"extend_authority":["fulltableUpdate"]}}"#), 400, "DBS.300310")
        expectError(try await r.send("PUT", bob, body: #"{"user":{"description":"\#(long)"}}"#), 400, "DBS.300307")
        expectError(try await r.send("PUT", bob, body: #"{"user":{"databases":[{}]}}"#), 400, "DBS.280001")
        expectError(try await r.send("PUT", bob, body: #"{"user":{"databases":[{"name":"ghost"}]}}"#), 400, "DBS.300301")
        expectError(try await r.send("PUT", bob, body: #"{"user":{"base_authority":["ALL"]}}"#), 400, "DBS.300309")
        expectError(try await r.send("PUT", users + "/nobody", body: #"{"user":{"description":"x"}}"#), 404, "DBS.300327")
        expectError(try await r.send("DELETE", users + "/nobody"), 404, "DBS.300327")
        let reset = "/v2/\(RawClient.project)/instances/\(id)/users/bob/password"
        expectError(try await r.send("POST", reset, body: #"{"password":"bob"}"#), 400, "DBS.300328")
        #expect(try await r.send("POST", reset, body: #"{"password":"N3w_Passw0rd"}"#).status == 200)
    }

    @Test func badRequestsGetCleanAnswers() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        let users = r.v1("instances/\(id)/users")
        expectError(try await r.send("POST", users, body: "{not json"), 400, "DBS.280001")
        expectError(try await r.send("POST", users, body: #"{"users":"nope"}"#), 400, "DBS.280001")
        expectError(try await r.send("POST", users, body: "name=x", contentType: "text/plain"), 415, "DBS.280001")
        expectError(try await r.send("POST", users, body: String(repeating: "x", count: 2 << 20)), 413, "APIGW.0201")
        expectError(try await r.send("GET", r.v1("nowhere/at/all")), 404, "APIGW.0101")
        expectError(try await r.send("PATCH", users), 405, "APIGW.0101")
        expectError(try await r.send("GET", r.v1("instances"), query: [("limit", "0")]), 400, "DBS.280001")
        expectError(try await r.send("GET", r.v1("instances"), query: [("limit", "abc")]), 400, "DBS.280001")
        expectError(try await r.send("GET", "/v2/\(RawClient.project)/flavors"), 400, "DBS.280001")
        expectError(try await r.send("GET", "/v3/\(RawClient.project)/jobs/00000000-0000-0000-0000-000000000000"), 404, "DBS.300400")
        expectError(try await r.send("GET", r.v1("instances/\(id)/nodes/nope")), 404, "DBS.280001")
        expectError(try await r.send("GET", r.v1("instances/nope")), 404, "DBS.280001")
        expectError(try await r.send("POST", r.v1("instances/\(id)/action"), body: #"{"restart":{"type":"warm"}}"#), 400, "DBS.280001")
        // The service is still fine afterwards.
        #expect(try await r.send("GET", users).status == 200)
    }

    @Test func busyInstanceAnswers409() async throws {
        let r = try await RawClient.start { $0.createDelay = 30 }
        defer { stopAfterTest { await r.stop() } }
        let id = try await r.instance()
        let shown = try await r.send("GET", r.v1("instances/\(id)"))
        #expect(shown.json["status"] as? String == "CREATING")
        expectError(try await r.send("POST", r.v1("instances/\(id)/users"),
                                     body: #"{"users":[{"name":"bob","password":"Str0ng_pass","base_authority":["SELECT"]}]}"#), 409, "DBS.200019")
        let job = try await r.send("GET", "/v3/\(RawClient.project)/jobs/\(try #require(r.send("POST", r.v1("instances"), body: #"{"instance":{"name":"ddm-two","flavor_id":"8f2e696c-a9c1-30bd-af90-25522bc67606","node_num":1,"engine_id":"2325a707-0361-8be6-dd01-13474bbac437","available_zones":["ap-southeast-1a"],"vpc_id":"v","subnet_id":"s","security_group_id":"g"}}"#).json["job_id"] as? String))")
        let jobBody = try #require(job.json["job"] as? [String: Any])
        #expect(jobBody["status"] as? String == "Running")
        #expect(jobBody["name"] as? String == "CreateInstance")
    }
}
