import DDMKit
import DDMLocal
import LocalTestSupport
import Foundation
import Testing

/// Every operation, through DDMKit, over loopback HTTP against the local service.
@Suite(.stopsWhatItStarts) struct ClientIntegrationTests {
    /// Each version on its own (`auto` is what every other test uses).
    @Test(arguments: [APIVersionChoice.v1, .v3])
    func instanceLifecycle(_ version: APIVersionChoice) async throws {
        let h = try await LocalHarness.start(apiVersion: version)
        defer { stopAfterTest { await h.stop() } }
        let c = h.client
        let id = try await h.makeInstance("ddm-alpha")
        #expect(id.hasSuffix("in09") && id.count == 36)

        let page = try await c.listInstances(offset: 0, limit: 10)
        #expect(page.instances.map(\.name) == ["ddm-alpha"])
        #expect(page.totalRecord == 1)

        let shown = try await c.showInstance(id)
        #expect(shown.status == "RUNNING")
        #expect(shown.nodes?.count == 2)
        #expect(shown.engineVersion == "3.0.8")
        // v3's detail has no flavor; the list has it.
        #expect(shown.flavorRef == (version == .v1 ? "ddm.c6.large.2" : nil))
        #expect(shown.completed(with: page.instances[0]).flavorRef == "ddm.c6.large.2")

        let nodes = try await c.listNodes(instance: id)
        #expect(nodes.nodes.count == 2)
        let node = try await c.showNode(instance: id, node: try require(nodes.nodes[0].nodeId))
        #expect(node.nodeId == nodes.nodes[0].nodeId)

        try await c.modifyInstanceName(id, name: "ddm-beta")
        #expect(try await c.showInstance(id).name == "ddm-beta")
        try await c.modifySecurityGroup(id, securityGroupId: "sg-2")
        #expect(try await c.allInstances().first?.securityGroupId == "sg-2")
        try await c.reloadTableData(id)

        let restart = try await c.restartInstance(id, type: .soft)
        #expect(restart.instanceId == id)
        let job = try await c.showJob(try require(restart.jobId))
        #expect(job.name == "RestartInstance")
        #expect(job.status == "Completed")

        let versions = try await c.apiVersions()
        #expect(versions.map(\.id) == ["v3", "v1"])

        let deleted = try await c.deleteInstance(id, deleteRDSData: false)
        #expect(deleted.id == id)
        await #expect(throws: DDMError.self) { _ = try await c.showInstance(id) }
        do {
            _ = try await c.showInstance(id)
        } catch let e as DDMError {
            #expect(e.status == 404)
            #expect(e.isNotFound)
            #expect(e.requestId != nil)
            #expect(e.operation == "show instance")
        }
    }

    @Test(arguments: [APIVersionChoice.v1, .v3])
    func schemasAndAccounts(_ version: APIVersionChoice) async throws {
        let h = try await LocalHarness.start(apiVersion: version)
        defer { stopAfterTest { await h.stop() } }
        let c = h.client
        let id = try await h.makeInstance()
        try await h.makeSchema(id, "orders")
        try await h.makeSchema(id, "billing")
        #expect(try await c.allSchemas(instance: id).map(\.name) == ["billing", "orders"])
        let detail = try await c.showSchema(instance: id, name: "ORDERS")
        #expect(detail.databases?.count == 8)
        #expect(detail.databases?.first?.name == "orders_0000")

        try await c.createAccounts(instance: id, [CreateAccountRequest(
            name: "ddmtest", password: "Str0ng_pass", baseAuthority: [.select, .insert], description: "app", databases: ["orders"])])
        var account = try #require(try await c.allAccounts(instance: id).first)
        #expect(account.baseAuthority == ["INSERT", "SELECT"])
        #expect(account.schemaNames == ["orders"])

        if version == .v3 {
            // Extended privileges are v1's alone: refused before sending, saying why.
            let before = await c.callCounts()
            await #expect(throws: DDMError.self) {
                try await c.modifyAccount(instance: id, name: "ddmtest", ModifyAccountRequest(extendAuthority: [.fulltableUpdate]))
            }
            #expect(await c.callCounts() == before)
        }
        try await c.modifyAccount(instance: id, name: "ddmtest", ModifyAccountRequest(
            baseAuthority: [.select, .update], extendAuthority: version == .v1 ? [.fulltableUpdate] : nil, databases: ["orders", "billing"]))
        account = try #require(try await c.allAccounts(instance: id).first)
        #expect(account.baseAuthority == ["UPDATE", "SELECT"])
        #expect(account.extendAuthority == (version == .v1 ? ["fulltableUpdate"] : nil))
        #expect(account.schemaNames == ["orders", "billing"])
        #expect(account.description == "app")

        let reset = try await c.resetPassword(instance: id, account: "ddmtest", password: "An0ther_pass")
        #expect(reset.success == true)

        try await c.deleteSchema(instance: id, name: "billing", deleteRDSData: true)
        account = try #require(try await c.allAccounts(instance: id).first)
        #expect(account.schemaNames == ["orders"])

        try await c.deleteAccount(instance: id, name: "ddmtest")
        #expect(try await c.allAccounts(instance: id).isEmpty)
    }

    @Test func catalog() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let engines = try await h.client.listEngines()
        #expect(engines.engineGroups.first?.version == "3.0.8")
        let flavors = try await h.client.listFlavors(engineId: engines.engineGroups[0].id)
        #expect(flavors.computeFlavorGroups[0].computeFlavors.count >= 2)
        let id = try await h.makeInstance()
        #expect(try await h.client.allAvailableRDS(instance: id).count == 3)
    }

    @Test func serviceErrorsAreTyped() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let id = try await h.makeInstance()
        do {
            try await h.client.createAccounts(instance: id, [CreateAccountRequest(name: "9bad", password: "Str0ng_pass", baseAuthority: [.select])])
            Issue.record("expected an error")
        } catch let e as DDMError {
            #expect(e.code == "DBS.300305")
            #expect(e.status == 400)
            #expect(e.description.contains("DBS.300305"))
            #expect(e.description.contains("HTTP 400"))
        }
        do {
            try await h.client.modifyAccount(instance: id, name: "nobody", ModifyAccountRequest(description: "x"))
            Issue.record("expected an error")
        } catch let e as DDMError {
            #expect(e.code == "DBS.300327")
            #expect(e.isNotFound)
        }
    }

    @Test func paginationCollectsEveryPage() async throws {
        let h = try await LocalHarness.start(configure: { $0.maxAccounts = 300 })
        defer { stopAfterTest { await h.stop() } }
        let id = try await h.makeInstance()
        let accounts = (0..<300).map { CreateAccountRequest(name: "user_\($0)", password: "Str0ng_pass", baseAuthority: [.select]) }
        try await h.client.createAccounts(instance: id, accounts)
        let before = await h.client.callCounts()
        let all = try await h.client.allAccounts(instance: id)
        let after = await h.client.callCounts()
        #expect(all.count == 300)
        #expect(Set(all.map(\.name)).count == 300)
        #expect(after.reads - before.reads == 3)
    }

    @Test func tokenAuthentication() async throws {
        let h = try await LocalHarness.start(configure: { $0.staticToken = "static-token-for-tests" },
                                             authenticator: { _ in TokenAuthenticator(token: "static-token-for-tests") })
        defer { stopAfterTest { await h.stop() } }
        #expect(try await h.client.listInstances().instances.isEmpty)
    }

    @Test func iamPasswordLoginIsCached() async throws {
        let transport = AsyncHTTPTransport()
        let box = AuthBox()
        let h = try await LocalHarness.start(configure: { $0.iamUser = "admin"; $0.iamPassword = "Iam_passw0rd" },
                                             authenticator: { service in
            let auth = IAMPasswordAuthenticator(login: .init(iamEndpoint: service.url, user: "admin", password: "Iam_passw0rd",
                                                             domain: "example", projectId: service.configuration.projectId),
                                                transport: transport)
            box.auth = auth
            return auth
        })
        defer { stopAfterTest { await h.stop() } }
        for _ in 0..<3 { _ = try await h.client.listInstances() }
        #expect(await box.auth!.fetchCount == 1)
    }

    @Test func wrongSecretIsRejected() async throws {
        let h = try await LocalHarness.start(authenticator: { service in
            AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: "wrong-secret", projectId: service.configuration.projectId)
        })
        defer { stopAfterTest { await h.stop() } }
        do {
            _ = try await h.client.listInstances()
            Issue.record("expected 401")
        } catch let e as DDMError {
            #expect(e.status == 401)
            #expect(e.code == "APIGW.0301")
            #expect(!e.description.contains("wrong-secret"))
        }
    }

    @Test func retriesRideOutInjectedFaults() async throws {
        let h = try await LocalHarness.start(configure: {
            $0.faults = FaultSettings(faultRate: 0.3, throttleRate: 0.1, seed: 42)
        }, retry: RetryPolicy(maxAttempts: 12, baseDelay: .milliseconds(2), maxDelay: .milliseconds(20)))
        defer { stopAfterTest { await h.stop() } }
        let id = try await h.makeInstance()
        for i in 0..<20 {
            try await h.client.createAccounts(instance: id, [CreateAccountRequest(name: "u\(i)", password: "Str0ng_pass", baseAuthority: [.select])])
        }
        for i in 0..<20 {
            try await h.client.modifyAccount(instance: id, name: "u\(i)", ModifyAccountRequest(baseAuthority: [.select, .insert]))
        }
        h.service.faultSettings = FaultSettings()
        let all = try await h.client.allAccounts(instance: id)
        #expect(all.count == 20)
        #expect(all.allSatisfy { $0.baseAuthority == ["INSERT", "SELECT"] })
        let counts = await h.client.callCounts()
        #expect(counts.total > 41, "faults should have forced some retries")
    }
}

final class AuthBox: @unchecked Sendable {
    var auth: IAMPasswordAuthenticator?
}
