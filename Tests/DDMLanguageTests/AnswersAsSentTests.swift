import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Testing
@testable import DDMLanguage

/// Statements against the local service with its answers shaped as other sources describe them
/// (`EditingTransport`): the shapes issue 32 found ddmsh failing on, and what each statement says.
@Suite struct AnswersAsSentTests {
    struct Fixture {
        let harness: LocalHarness
        let wire: EditingTransport
        let instance: String
        let sink = Collector()

        func run(_ script: String) async -> Evaluator.Report {
            var o = Compiler.Options()
            o.instanceSelected = true
            let compiled = Compiler.compile(SourceFile(name: "t.ddm", text: script), options: o)
            #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics.map(\.message))")
            var options = Evaluator.Options()
            options.pollInterval = .milliseconds(20)
            let secrets = DefaultSecretResolver(environment: ["PW": "Secret_pass1!"]) { _ in "Prompted_pass1!" }
            let evaluator = Evaluator(client: harness.client, sink: sink, secrets: secrets, options: options, instance: instance)
            return await evaluator.run(compiled.plan)
        }
    }

    func with(api: APIVersionChoice = .auto, served: ServedAPI = .both, schemas: [String] = [],
              edit: @escaping EditingTransport.Edit, _ body: (Fixture) async throws -> Void) async throws {
        let wire = EditingTransport(edit)
        let h = try await LocalHarness.start(configure: { $0.api = served }, apiVersion: api, transport: wire)
        do {
            let id = try await h.makeInstance()
            for s in schemas { try await h.makeSchema(id, s) }
            try await body(Fixture(harness: h, wire: wire, instance: id))
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    static func path(_ r: HTTPRequestData, _ method: String, _ suffix: String) -> Bool {
        r.method == method && r.path.hasSuffix(suffix)
    }

    // MARK: drops and resets report their job

    @Test(arguments: [APIVersionChoice.v3, .v1])
    func dropSchemaSaysItsJobAndWaitsForIt(_ api: APIVersionChoice) async throws {
        try await with(api: api, schemas: ["orders", "billing"], edit: { _, _ in nil }) { f in
            let report = await f.run("drop schema orders; drop schema billing wait;")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            let text = f.sink.text
            #expect(text.range(of: #"dropping schema orders \(job [0-9a-f-]{8,}\)"#, options: .regularExpression) != nil, "\(text)")
            #expect(!text.contains("dropped schema orders"), "without wait the drop is not claimed done: \(text)")
            #expect(text.range(of: #"dropping schema billing \(job [0-9a-f-]{8,}\)\ndropped schema billing"#, options: .regularExpression) != nil, "\(text)")
            // `wait` polled the instance until it was RUNNING again.
            #expect(f.wire.calls.contains { $0.hasPrefix("GET") && $0.contains("/jobs/") })
            let left = try await f.harness.client.allSchemas(instance: f.instance)
            #expect(left.isEmpty)
        }
    }

    @Test func dropInstanceSaysItsJobAndWaitFollowsIt() async throws {
        try await with(edit: { _, _ in nil }) { f in
            let report = await f.run("drop instance ddm-test wait;")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            #expect(f.sink.text.range(of: #"dropping instance ddm-test \(job [0-9a-f-]{8,}\)"#, options: .regularExpression) != nil, "\(f.sink.text)")
            #expect(f.sink.text.contains("completed") && f.sink.text.hasSuffix("dropped instance ddm-test"), "\(f.sink.text)")
        }
    }

    /// The SDK's answer to the administrator reset is empty; the API reference's carries a job.
    @Test func theAdministratorResetSaysTheJobTheAnswerCarries() async throws {
        try await with(edit: { r, _ in Self.path(r, "PUT", "/admin-user") ? ["job_id": "a1b2c3d4-0000-4000-8000-000000000001"] : nil }) { f in
            let report = await f.run("alter instance ddm-test set admin password env PW wait;")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            #expect(f.sink.text.contains("resetting the password of ddm-test's administrator root (job a1b2c3d4-0000-4000-8000-000000000001)"), "\(f.sink.text)")
            #expect(f.sink.text.hasSuffix("reset the password of ddm-test's administrator root"), "\(f.sink.text)")
        }
    }

    /// A yearly/monthly instance answers a scale-out with its order: said, and `wait` does not
    /// claim the instance done.
    @Test func anOrderInsteadOfAJobIsSaidAndNotWaitedAsDone() async throws {
        try await with(edit: { r, _ in Self.path(r, "POST", "/nodes") ? ["order_id": "CS2612060000ABCDE"] : nil }) { f in
            let report = await f.run("alter instance ddm-test add nodes 1 wait;")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            let text = f.sink.text
            #expect(text.contains("(order CS2612060000ABCDE: it starts once the order is paid)"), "\(text)")
            #expect(text.contains("not waiting for ddm-test: the change waits for order CS2612060000ABCDE to be paid"), "\(text)")
            #expect(!text.contains("is RUNNING") && !text.contains("(job -)"), "\(text)")
        }
    }

    // MARK: fields the answer leaves out, or types otherwise

    /// Huawei's current page for v1 show instance leaves out `nodes[].node_id`; its CN example
    /// sends the port as a number.
    @Test func v1ShowInstanceWithoutNodeIdsAndWithANumericPort() async throws {
        try await with(api: .v1, edit: { r, answer in
            guard r.method == "GET", r.path.hasPrefix("/v1/"), r.path.split(separator: "/").count == 4 else { return nil }
            return EditingTransport.replacing("port", with: { Int("\($0)") ?? $0 }, in: EditingTransport.removing("node_id", from: answer))
        }) { f in
            let report = await f.run("show instance ddm-test;")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            #expect(f.sink.text.contains("unknown | "), "the node without an id is shown as unknown: \(f.sink.text)")
            #expect(f.sink.text.contains("| 5066 |") || f.sink.text.contains("| 5066"), "\(f.sink.text)")
        }
    }

    /// `"needRestart": "true"` (a string, as OTC's example sends it; the SDK says bool): the
    /// parameter was set, and the statement says so.
    @Test func aRestartFlagSentAsAStringIsRead() async throws {
        try await with(edit: { r, answer in
            guard r.method == "PUT", r.path.contains("configurations") || r.path.hasSuffix("/parameters") else { return nil }
            return EditingTransport.replacing("needRestart", with: { "\($0)" == "1" || "\($0)" == "true" ? "true" : "false" },
                                              in: EditingTransport.replacing("need_restart", with: { "\($0)" == "1" || "\($0)" == "true" ? "true" : "false" }, in: answer))
        }) { f in
            let report = await f.run("set parameter long_query_time = 2;")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            #expect(!f.sink.text.contains("could not read"), "\(f.sink.text)")
        }
    }

    /// A list that is null when empty reads as empty, in every read: the statements that read
    /// first go on.
    @Test func nullListsAreEmpty() async throws {
        try await with(edit: { r, answer in
            guard r.method == "GET", let o = answer as? [String: Any] else { return nil }
            var out = o
            for (k, v) in o where (v as? [Any])?.isEmpty == true { out[k] = NSNull() }
            return out
        }) { f in
            let report = await f.run("show users; show backups; create user app if not exists password env PW with SELECT; show users;")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            #expect(f.sink.text.contains("app"), "\(f.sink.text)")
        }
    }

    /// What the answer leaves out is unknown, never a default that states a fact.
    @Test func absentFlagsAreShownAsUnknown() async throws {
        try await with(edit: { r, answer in
            guard r.method == "GET" else { return nil }
            if r.path.hasSuffix("/acls") { return EditingTransport.removing("enable_ipgroup", from: answer) }
            if r.path.hasSuffix("/groups") { return EditingTransport.removing("is_default_group", from: EditingTransport.removing("role", from: answer)) }
            if r.path.hasSuffix("/configurations") { return EditingTransport.removing("need_restart", from: answer) }
            return nil
        }) { f in
            let report = await f.run("show groups; show parameters like 'long_query_time';")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            let text = f.sink.text
            #expect(!text.contains("read/write") && !text.contains("| no |"), "\(text)")
            #expect(text.contains("| unknown |"), "\(text)")
            #expect(text.contains("long_query_time") && text.range(of: #"long_query_time \|.*\| unknown \|"#, options: .regularExpression) != nil, "\(text)")
            let groups = try await f.harness.client.allGroups(instance: f.instance)
            let acl = await f.run("show access control for group \(groups[0].name ?? groups[0].id);")
            #expect(acl.failures.isEmpty, "\(acl.failures.map(\.message))")
            #expect(f.sink.text.contains("unknown (the service did not say whether access control is on)"), "\(f.sink.text)")
            #expect(!f.sink.text.contains("off (anyone"), "\(f.sink.text)")
        }
    }

    // MARK: the refused v1 account list

    /// An endpoint without v1's account list: `show grants` (which asks v1 first under `auto`,
    /// for the extended privileges only it shows) learns it once, and the next run, from the
    /// endpoint memory, does not ask again.
    @Test func theRefusedV1AccountListIsLearnedOnce() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ddmsh-answers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let memory = EndpointMemory(path: dir.appendingPathComponent("pacing.json").path)
        let wire = EditingTransport { _, _ in nil }
        let h = try await LocalHarness.start(configure: { $0.api = .v3 }, endpointMemory: memory, transport: wire)
        defer { Task { await h.stop() } }
        let id = try await h.makeInstance()
        try await h.client.createAccounts(instance: id, [CreateAccountRequest(name: "app", password: "Secret_pass1!", baseAuthority: [.select])])
        func v1Lists() -> Int { wire.calls.filter { $0.hasPrefix("GET /v1/") && $0.hasSuffix("/users") }.count }
        func showGrants(_ client: DDMClient) async -> String {
            let sink = Collector()
            var o = Compiler.Options()
            o.instanceSelected = true
            let compiled = Compiler.compile(SourceFile(name: "t.ddm", text: "show grants for app; show grants for app;"), options: o)
            let e = Evaluator(client: client, sink: sink, secrets: DefaultSecretResolver(environment: [:]) { _ in "" },
                              options: Evaluator.Options(), instance: id)
            let report = await e.run(compiled.plan)
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            return sink.text
        }
        #expect(await showGrants(h.client).contains("app"))
        #expect(v1Lists() == 1, "\(wire.calls)")
        // The next run at the same endpoint: a new client that reads what was learned.
        let next = try DDMClient(configuration: h.client.configuration,
                                 authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk,
                                                                  projectId: h.client.configuration.projectId),
                                 transport: wire)
        #expect(await showGrants(next).contains("app"))
        #expect(v1Lists() == 1, "\(wire.calls)")
    }
}
