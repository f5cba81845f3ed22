import DDMLocal
import Foundation
import LocalTestSupport
import Testing
@testable import DDMKit

/// Every instance administration call through DDMKit, over loopback HTTP against the local service.
@Suite(.stopsWhatItStarts) struct AdminClientTests {
    @Test func nodesFlavorNetworkAndVersions() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let c = h.client
        let id = try await h.makeInstance()
        #expect(try await c.addNodes(instance: id, zones: ["ap-southeast-1a"], flavorId: { Issue.record("v3 needs no flavor id"); return "" }).jobId != nil)
        var nodes = try await c.listNodes(instance: id).nodes.compactMap(\.nodeId)
        #expect(nodes.count == 3)
        #expect(try await c.removeNodes(instance: id, count: 1).jobId != nil)
        #expect(try await c.deleteNodes(instance: id, nodes: [nodes[1]]).jobId != nil)
        nodes = try await c.listNodes(instance: id).nodes.compactMap(\.nodeId)
        #expect(nodes.count == 1)
        let restart = try await c.restartNode(instance: id, node: nodes[0])
        #expect(try await c.showJob(try require(restart.jobId)).name == "RestartNode")
        await #expect(throws: DDMError.self) { _ = try await c.addNodes(instance: id, zones: [], flavorId: { "" }) }   // before sending

        _ = try await c.resizeFlavor(instance: id, code: "ddm.c6.xlarge.2")
        #expect(try await c.allInstances().first?.flavorRef == "ddm.c6.xlarge.2")

        try await c.modifyPort(instance: id, port: 5070)
        try await c.switchSSL(instance: id, on: true)
        try await c.setReadOnly(instance: id, on: true)
        try await c.bindEIP(instance: id, ip: "203.0.113.7", id: "eip-1")
        let shown = try await c.showInstance(id)
        #expect(shown.accessPort == "5070" && shown.enableSsl == true && shown.publicIp == "203.0.113.7")
        try await c.unbindEIP(instance: id)
        #expect(try await c.showInstance(id).publicIp == nil)
        await #expect(throws: DDMError.self) { try await c.modifyPort(instance: id, port: 0) }
        do {
            try await c.modifyPort(instance: id, port: 80)
            Issue.record("the service should refuse port 80")
        } catch let e as DDMError {
            #expect(e.status == 400 && e.code == "DBS.280001")
        }
        try await c.resetAdministrator(instance: id, name: "root", password: "New_admin_pw1!")

        let versions = try await c.engineVersions(instance: id)
        #expect(versions.currentVersion == "3.0.8" && versions.versions == ["3.0.9", "3.1.0"])
        _ = try await c.upgradeEngine(instance: id, to: "3.1.0")
        #expect(try await c.engineVersions(instance: id).previousVersion == "3.0.8")
        _ = try await c.rollbackEngine(instance: id)
        #expect(try await c.engineVersions(instance: id).currentVersion == "3.0.8")
        let tasks = try await c.listTasks(from: Date().addingTimeInterval(-86_400), offset: 0, limit: 100)
        #expect(tasks.jobs.contains { $0.name == "RollbackVersion" && $0.instanceId == id })
    }

    @Test func parametersTemplatesSlowQueriesAndProcesses() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let c = h.client
        let id = try await h.makeInstance()
        let params = try await c.allParameters(instance: id)
        let maxConnections = try #require(params.first { $0.name == "max_connections" })
        #expect(ParameterRange(maxConnections.valueRange).problem(with: "50000") != nil)
        let change = try await c.modifyParameters(instance: id, values: ["max_connections": "30000", "character_set_server": "utf8"])
        #expect(change.needRestart == true)
        #expect(try await c.allParameters(instance: id).first { $0.name == "max_connections" }?.value == "30000")

        let templates = try await c.allParameterTemplates()
        #expect(templates.map(\.name) == ["Default-DDM-3.0", "high-concurrency"])
        let detail = try await c.showParameterTemplate(templates[1].id)
        #expect(detail.configurationParameters?.first { $0.name == "transaction_policy" }?.value == "FREE")

        let now = Date()
        let slow = try await c.slowQueries(instance: id, from: now.addingTimeInterval(-7 * 86400), to: now, max: 25)
        #expect(slow.queries.count == 25 && slow.total == 30)   // one page of 25 of the 30

        let sessions = try await c.allLogicalProcesses(instance: id)
        #expect(sessions.map(\.id) == ["1001", "1002", "1003", "1004"])
        try await c.killLogicalProcesses(instance: id, ids: ["1002", "1003"])
        #expect(try await c.allLogicalProcesses(instance: id).map(\.id) == ["1001", "1004"])
        let physical = try await c.allPhysicalProcesses(instance: id)
        #expect(physical.map(\.id) == [3101, 3102, 3103])
        try await c.killPhysicalProcesses(instance: id, ids: ["3102"])
        #expect(try await c.allPhysicalProcesses(instance: id).count == 2)
    }

    /// Where a region has no v3.1 parameter call, `auto` uses v3's, once learned; a name v3's
    /// model does not have cannot go that way and says so.
    @Test func parametersFallBackFromV31ToV3() async throws {
        let h = try await LocalHarness.start(configure: {
            $0.withdrawn = ["PUT /v3.1/{project_id}/instances/{instance_id}/configurations"]
        })
        defer { stopAfterTest { await h.stop() } }
        let id = try await h.makeInstance()
        h.service.resetTraffic()
        try await h.client.modifyParameters(instance: id, values: ["max_connections": "30000"])
        try await h.client.modifyParameters(instance: id, values: ["sql_audit": "ON"])
        #expect(h.service.traffic.notServed == 1)
        #expect(await h.client.olderOnlyOperations() == [.modifyParameters])
        #expect(try await h.client.allParameters(instance: id).first { $0.name == "sql_audit" }?.value == "ON")
        await #expect(throws: DDMError.self) { try await h.client.modifyParameters(instance: id, values: ["future_knob": "1"]) }
    }
}
