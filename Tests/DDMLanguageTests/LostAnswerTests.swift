import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Synchronization
import Testing
@testable import DDMLanguage

/// The connection drops after a write was sent: the service applied it, the answer never came.
/// ddmsh reads it back and reports it applied, not "failed".
@Suite(.stopsWhatItStarts) struct LostAnswerTests {
    /// Delivers every request, then loses the answer of each write to an account (not of reads,
    /// nor of the weak-password check that posts what it checks).
    final class LosesWriteAnswers: HTTPTransport {
        let inner = AsyncHTTPTransport()
        let lost = Mutex(0)
        func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
            let response = try await inner.send(request)
            guard request.method != "GET", request.path.contains("/users") else { return response }
            lost.withLock { $0 += 1 }
            throw DDMError.transport("connection reset by peer")
        }
    }

    func run(_ script: String, accounts: [String] = []) async throws -> (Evaluator.Report, LocalHarness, String, Collector, Int) {
        let h = try await LocalHarness.start()
        let instance = try await h.makeInstance()
        try await h.makeSchema(instance, "orders")
        if !accounts.isEmpty {
            _ = try await h.client.createAccounts(instance: instance, accounts.map {
                CreateAccountRequest(name: $0, password: "Secret_pass1!", baseAuthority: [.select])
            })
        }
        let wire = LosesWriteAnswers()
        // One try: the read-back, not a retry, is what settles it.
        let client = try DDMClient(configuration: DDMConfiguration(endpoint: .url(h.service.url), projectId: h.client.configuration.projectId,
                                                                   retry: .none, pacing: .off),
                                   authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk,
                                                                    projectId: h.client.configuration.projectId),
                                   transport: wire)
        var co = Compiler.Options()
        co.instanceSelected = true
        let compiled = Compiler.compile(SourceFile(name: "lost.ddm", text: script), options: co)
        #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics.map(\.message))")
        let sink = Collector()
        let report = await Evaluator(client: client, sink: sink, secrets: DefaultSecretResolver(environment: ["PW": "Secret_pass1!"]) { _ in "" },
                                     instance: instance).run(compiled.plan)
        return (report, h, instance, sink, wire.lost.withLock { $0 })
    }

    @Test func aCreateWhoseAnswerIsLostIsReadBackAsApplied() async throws {
        let (report, h, instance, sink, lost) = try await run("create user lostanswer password env PW;")
        defer { stopAfterTest { await h.stop() } }
        #expect(lost == 1)
        #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
        #expect(report.applied.contains { $0.contains("answer lost; read back: applied") }, "\(report.applied)")
        #expect(sink.text.contains("read back: applied"))
        // Counted at the service: it is there, once.
        #expect(try await h.client.allAccounts(instance: instance).filter { $0.name == "lostanswer" }.count == 1)
        #expect(DDMClient.auditOutcome(DDMError.transport("connection reset by peer")) == "unknown")
        #expect(DDMClient.auditOutcome(DDMError.unreachable("cannot connect")) == "failed")
    }

    @Test func aBatchWhoseAnswersAreLostReadsThemBackAsChanged() async throws {
        let names = ["la1", "la2", "la3"]
        let (report, h, instance, sink, lost) = try await run("grant INSERT on orders to la1, la2, la3;", accounts: names)
        defer { stopAfterTest { await h.stop() } }
        #expect(lost == 3)
        #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
        #expect(sink.text.contains("batch: 3 changed, 0 unchanged, 0 failed"), "\(sink.text)")
        let granted = try await h.client.allAccounts(instance: instance).filter { ($0.baseAuthority ?? []).contains("INSERT") }
        #expect(granted.count == 3)
    }
}
