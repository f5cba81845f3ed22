import DDMLocal
import Foundation
import LocalTestSupport
import Testing
@testable import DDMKit

/// The v3 calls, the choice between v3 and the older calls, and the fallback.
@Suite(.stopsWhatItStarts) struct APIVersionTests {
    let api = DDMAPI(projectId: "0123456789abcdef0123456789abcdef")
    let p = "/v3/0123456789abcdef0123456789abcdef"
    let inst = "1f5c9fd6cd984056ba89c8c87cc03278in09"

    func line<R>(_ op: DDMOperation<R>?) -> String {
        guard let op else { return "(no v3 form)" }
        let q = op.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return "\(op.method) \(op.path)\(q.isEmpty ? "" : "?" + q)\(op.bodyText.map { " " + $0 } ?? "")"
    }

    /// Bodies as the Python SDK 3.1.219 serialises the same request models
    /// (`sanitize_for_serialization` of `CreateDdmInstanceReq`, `CreateDdmDatabaseRequestBody`,
    /// `CreateUserRequestV3`, `UpdateUserV3RequestBody`, `ResetUserPasswordV3RequestBody`).
    @Test func requestsAreTheSDKs() throws {
        let create = CreateInstanceRequest(
            name: "ddm-prod-01", flavorId: "f", nodeNum: 2, engineId: "e", availableZones: ["ap-southeast-1a"],
            vpcId: "v", securityGroupId: "g", subnetId: "s", timeZone: "UTC+08:00", adminUserName: "root",
            adminUserPassword: "Adm1n_pass!", engineVersion: "3.0.8", flavorCode: "ddm.c6.large.2")
        #expect(line(api.createInstanceV3(create)) == #"POST \#(p)/instances {"admin_user_name":"root","admin_user_password":"Adm1n_pass!","available_zones":["ap-southeast-1a"],"charge_info":{"charge_mode":"postPaid"},"engine_version":"3.0.8","flavor_ref":"ddm.c6.large.2","name":"ddm-prod-01","node_num":2,"security_group_id":"g","subnet_id":"s","time_zone":"UTC+08:00","vpc_id":"v"}"#)
        var byIdOnly = create
        byIdOnly.engineVersion = nil
        #expect(api.createInstanceV3(byIdOnly) == nil)
        #expect(line(api.listInstancesV3(offset: 0, limit: 10)) == "GET \(p)/instances?offset=0&limit=10")
        #expect(line(api.showInstanceV3(inst)) == "GET \(p)/instances/\(inst)")
        #expect(line(api.restartInstanceV3(inst, type: .soft)) == "POST \(p)/instances/\(inst)/restart")
        #expect(api.restartInstanceV3(inst, type: .hard) == nil)
        #expect(line(api.deleteInstanceV3(inst, deleteData: true)) == "DELETE \(p)/instances/\(inst)?delete_dn_data=true")
        #expect(line(api.modifySecurityGroupV3(inst, securityGroupId: "sg")) == #"PUT \#(p)/instances/\#(inst)/security-group {"security_group_id":"sg"}"#)
        #expect(line(api.reloadTableDataV3(inst)) == "POST \(p)/instances/\(inst)/reload-config")

        let schema = CreateSchemaRequest(name: "orders", shardMode: .cluster, shardNumber: 8, shardUnit: 8,
                                         usedRds: [RDSCredential(id: "r1in01", adminUser: "root", adminPassword: "PassWord_234")])
        #expect(line(api.createSchemaV3(instance: inst, schema)) == #"POST \#(p)/instances/\#(inst)/databases {"dn_instances":[{"id":"r1in01","user_name":"root","user_password":"PassWord_234"}],"name":"orders","shard_mode":"cluster","shard_number":8}"#)
        var uneven = schema
        uneven.shardUnit = 3
        #expect(api.createSchemaV3(instance: inst, uneven) == nil)
        // One shard per data node needs v1's shard_unit: v3 wants more shards than data nodes.
        var onePerNode = schema
        (onePerNode.shardNumber, onePerNode.shardUnit) = (1, 1)
        #expect(api.createSchemaV3(instance: inst, onePerNode) == nil)
        #expect(line(api.showSchemaV3(instance: inst, name: "orders")) == "GET \(p)/instances/\(inst)/databases/orders")
        #expect(line(api.deleteSchemaV3(instance: inst, name: "orders", deleteData: false)) == "DELETE \(p)/instances/\(inst)/databases/orders?delete_dn_data=false")

        let user = CreateAccountRequest(name: "ddmtest", password: "Str0ng_pass", baseAuthority: [.select], description: "app", databases: ["orders"])
        #expect(line(api.createAccountV3(instance: inst, user)) == #"POST \#(p)/instances/\#(inst)/users {"base_authority":["SELECT"],"databases":[{"name":"orders"}],"description":"app","name":"ddmtest","password":"Str0ng_pass"}"#)
        // Extended privileges changed, to none included, are v1's: v3's body has no field for them.
        #expect(try api.modifyAccountV3(instance: inst, name: "ddmtest", ModifyAccountRequest(baseAuthority: [.select], extendAuthority: [])) == nil)
        #expect(line(try api.modifyAccountV3(instance: inst, name: "ddmtest", ModifyAccountRequest(baseAuthority: [.select, .update], databases: ["orders"])))
                == #"PUT \#(p)/instances/\#(inst)/users/ddmtest {"base_authority":["SELECT","UPDATE"],"databases":[{"name":"orders"}]}"#)
        #expect(try api.modifyAccountV3(instance: inst, name: "ddmtest", ModifyAccountRequest(extendAuthority: [.fulltableSelect])) == nil)
        #expect(line(try api.modifyAccountV3(instance: inst, name: "ddmtest", ModifyAccountRequest(description: "x")))
                == #"PUT \#(p)/instances/\#(inst)/users/ddmtest {"description":"x"}"#)
        #expect(line(api.resetPasswordV3(instance: inst, account: "ddmtest", password: "An0ther_pass"))
                == #"POST \#(p)/instances/\#(inst)/users/ddmtest/password {"password":"An0ther_pass"}"#)
        #expect(line(api.listAccountsV3(instance: inst, offset: 0, limit: 128)) == "GET \(p)/instances/\(inst)/users?offset=0&limit=128")
        #expect(line(api.listEnginesV3()) == "GET \(p)/engines")
        #expect(line(api.listFlavorsV3(engineId: "e")) == "GET \(p)/flavors?engine_id=e")
        #expect(line(api.listAvailableRDSV3(instance: inst)) == "GET \(p)/instances/\(inst)/available-data-nodes")
        #expect(line(api.showNodeV3(instance: inst, node: "n1")) == "GET \(p)/instances/\(inst)/nodes/n1")
    }

    /// v1/v2 and v3.x answer `jobId` or `job_id`, `instanceId` or `instance_id`: both read alike.
    @Test func bothKeySpellingsDecode() throws {
        for body in [#"{"jobId":"j1","instanceId":"i1"}"#, #"{"job_id":"j1","instance_id":"i1"}"#] {
            let r = try JSONDecoder.ddm.decode(RestartResult.self, from: Data(body.utf8))
            #expect(r.jobId == "j1" && r.instanceId == "i1")
            #expect(try JSONDecoder.ddm.decode(JobAnswerV3.self, from: Data(body.utf8)).jobId == "j1")
        }
        struct ParamAnswer: Decodable { var needRestart: Bool; var jobId: String }
        for body in [#"{"needRestart":true,"jobId":"j"}"#, #"{"need_restart":true,"job_id":"j"}"#] {
            #expect(try JSONDecoder.ddm.decode(ParamAnswer.self, from: Data(body.utf8)).needRestart)
        }
        // `delete_ddm_instance` answers an untyped object: anything decodes.
        #expect(try JSONDecoder.ddm.decode(JobAnswerV3.self, from: Data(#""done""#.utf8)).jobId == nil)
        #expect(Job(id: "j", status: "Running", process: "45%").percent == 45)
        #expect(Job(id: "j", status: "Running", process: "7").percent == 7)
        #expect(Job(id: "j", status: "Running", process: "").percent == nil)
    }

    /// Every v3 call ddmsh makes, through DDMKit, against a service serving both: `auto` never
    /// touches v1 or v2 (the one v1 call here, the node list, has no v3 form).
    @Test func autoAgainstBothUsesV3Only() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let c = h.client
        let id = try await h.makeInstance()
        try await h.makeSchema(id, "orders")
        #expect(try await c.showSchema(instance: id, name: "orders").databases?.count == 8)
        try await c.createAccounts(instance: id, [CreateAccountRequest(name: "app", password: "Str0ng_pass", baseAuthority: [.select], databases: ["orders"])])
        try await c.modifyAccount(instance: id, name: "app", ModifyAccountRequest(baseAuthority: [.select, .insert]))
        #expect(try await c.allAccounts(instance: id).first?.baseAuthority == ["INSERT", "SELECT"])
        try await c.resetPassword(instance: id, account: "app", password: "An0ther_pass")
        try await c.deleteAccount(instance: id, name: "app")
        try await c.deleteSchema(instance: id, name: "orders")
        let node = try #require(try await c.showInstance(id).nodes?.first)
        #expect(try await c.showNode(instance: id, node: try #require(node.nodeId)).nodeId == node.nodeId)
        try await c.modifySecurityGroup(id, securityGroupId: "sg-2")
        #expect(try await c.allInstances().first?.securityGroupId == "sg-2")
        try await c.reloadTableData(id)
        _ = try await c.restartInstance(id)
        _ = try await c.deleteInstance(id)
        let t = h.service.traffic
        #expect(t.byVersion["v1"] == nil && t.byVersion["v2"] == nil, "\(t.byVersion)")
        #expect(t.notServed == 0)
        #expect(await c.olderOnlyOperations().isEmpty)
    }

    /// Against a v1-only service, `auto` pays one refused call per operation kind, however many
    /// calls of that kind run at once, and a later client that shares the memory pays none.
    @Test func fallbackCostsOneCallPerOperationKind() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apimem-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let memory = EndpointMemory(path: dir + "/pacing.json")
        let h = try await LocalHarness.start(configure: { $0.api = .v1 }, endpointMemory: memory)
        defer { stopAfterTest { await h.stop() } }
        let c = h.client
        let id = try await h.makeInstance()       // list engines, list flavors, create instance
        let names = (0..<12).map { "u\($0)" }
        try await c.createAccounts(instance: id, names.map { CreateAccountRequest(name: $0, password: "Str0ng_pass", baseAuthority: [.select]) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in names {
                group.addTask { _ = try await c.listAccounts(instance: id) }
                group.addTask { try await c.modifyAccount(instance: id, name: n, ModifyAccountRequest(description: "d")) }
            }
            try await group.waitForAll()
        }
        let kinds: Set<DDMOperationID> = [.listEngines, .listFlavors, .createInstance, .createAccounts, .listAccounts, .modifyAccount]
        #expect(await c.olderOnlyOperations() == kinds)
        #expect(h.service.traffic.notServed == kinds.count)
        #expect(h.service.traffic.byVersion["v3"] == kinds.count)
        #expect(try await c.allAccounts(instance: id).allSatisfy { $0.description == "d" })

        // A later run at the same endpoint starts from what this one learned.
        let later = try DDMClient(configuration: DDMConfiguration(endpoint: .url(h.service.url), projectId: c.configuration.projectId,
                                                                  pacing: .off, endpointMemory: memory),
                                  authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk, projectId: c.configuration.projectId))
        h.service.resetTraffic()
        _ = try await later.allAccounts(instance: id)
        _ = try await later.listEngines()
        #expect(h.service.traffic.notServed == 0)
        #expect(memory.olderOnly(for: EndpointMemory.apiKey(endpoint: h.service.url)) == kinds)
        // … for a week: then v3 is tried again (a region may have gained it).
        #expect(memory.olderOnly(for: EndpointMemory.apiKey(endpoint: h.service.url), now: Date().addingTimeInterval(8 * 86400)).isEmpty)
    }

    @Test func aChosenVersionIsNeverLeft() async throws {
        let v3 = try await LocalHarness.start(configure: { $0.api = .v1 }, apiVersion: .v3)
        defer { stopAfterTest { await v3.stop() } }
        let error = await #expect(throws: DDMError.self) { _ = try await v3.client.listEngines() }
        #expect(error?.isMissingAPI == true)
        #expect(v3.service.traffic.byVersion["v2"] == nil)

        let v1 = try await LocalHarness.start(apiVersion: .v1)
        defer { stopAfterTest { await v1.stop() } }
        let id = try await v1.makeInstance()
        _ = try await v1.client.allAccounts(instance: id)
        #expect(v1.service.traffic.byVersion["v3"] == nil)
    }

    /// `password_lifetime` is v3's alone: written and read through v3, refused before sending in v1.
    @Test func passwordLifetimeIsV3s() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let id = try await h.makeInstance()
        try await h.client.createAccounts(instance: id, [CreateAccountRequest(name: "app", password: "Str0ng_pass", baseAuthority: [.select],
                                                                              passwordLifetime: 90)])
        #expect(try await h.client.allAccounts(instance: id).first?.passwordLifetime == 90)
        try await h.client.modifyAccount(instance: id, name: "app", ModifyAccountRequest(passwordLifetime: 30))
        #expect(try await h.client.allAccounts(instance: id).first?.passwordLifetime == 30)
        await #expect(throws: DDMError.self) { try await h.client.modifyAccount(instance: id, name: "app", ModifyAccountRequest(passwordLifetime: -1)) }

        let v1 = try DDMClient(configuration: DDMConfiguration(endpoint: .url(h.service.url), projectId: h.client.configuration.projectId,
                                                               pacing: .off, apiVersion: .v1),
                               authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk,
                                                                projectId: h.client.configuration.projectId))
        let before = await v1.callCounts()
        await #expect(throws: DDMError.self) { try await v1.modifyAccount(instance: id, name: "app", ModifyAccountRequest(passwordLifetime: 10)) }
        #expect(await v1.callCounts() == before)
        #expect(try await v1.allAccounts(instance: id).first?.passwordLifetime == nil)   // v1's list has no such field
    }

    /// A probe that says nothing (a throttle) leaves the question open for the next call.
    @Test func routerProbesOnceAndWaitsForTheAnswer() async throws {
        let learned = LearnedSet()
        let router = APIRouter(olderOnly: []) { learned.insert($0) }
        #expect(await router.route(.listAccounts) == .probe)
        let waiter = Task { await router.route(.listAccounts) }
        await router.settle(.listAccounts, missing: nil)
        #expect(await waiter.value == .probe)
        let second = Task { await router.route(.listAccounts) }
        await router.settle(.listAccounts, missing: true)
        #expect(await second.value == .older)
        #expect(learned.values == [.listAccounts])
        #expect(await router.route(.showSchema) == .probe)
        await router.settle(.showSchema, missing: false)
        #expect(await router.route(.showSchema) == .v3)
        #expect(DDMClient.tellsWhetherServed(DDMError(kind: .http, status: 404, code: "DBS.300327", message: "")) == false)
        #expect(DDMClient.tellsWhetherServed(DDMError(kind: .http, status: 429, code: "APIGW.0308", message: "")) == nil)
        #expect(DDMClient.tellsWhetherServed(DDMError(kind: .http, status: 404, code: "APIGW.0101", message: "")) == true)
        #expect(DDMClient.tellsWhetherServed(DDMError(kind: .http, status: 405, code: "APIGW.0101", message: "")) == true)
    }
}

final class LearnedSet: Sendable {
    private let state = Mutex<[DDMOperationID]>([])
    func insert(_ id: DDMOperationID) { state.withLock { $0.append(id) } }
    var values: [DDMOperationID] { state.withLock { $0 } }
}

import Synchronization

@Suite(.stopsWhatItStarts) struct EndpointMemoryPruningTests {
    @Test func factsPastTheirAgeLeaveTheFileWhenItIsWritten() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mem-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let memory = EndpointMemory(path: dir + "/pacing.json")
        let old = Date().addingTimeInterval(-8 * 86400)
        memory.rememberOlderOnly(.listAccounts, for: "a", now: old)
        memory.remember(30, for: "b", now: old)
        #expect(Set(memory.load().keys) == ["a", "b"])
        memory.rememberOlderOnly(.listEngines, for: "c")
        #expect(Set(memory.load().keys) == ["c"])
    }
}
