import DDMLocal
import Foundation
import LocalTestSupport
import Synchronization
import Testing
@testable import DDMKit

/// Paging against the local service, with answers edited on the way back the way a real service
/// (or a hostile one) might send them: a page capped below the limit asked, no `total`, the same
/// page at every offset, a `total` of a million. Calls are counted at the wire.
@Suite struct PagingTests {
    /// Passes calls to the local service and lets a test rewrite the answers of one list (by
    /// default, list accounts).
    final class Editing: HTTPTransport, @unchecked Sendable {
        let inner = AsyncHTTPTransport(connectTimeout: .seconds(5), readTimeout: .seconds(10))
        let lists = Mutex(0)
        let list: String
        let edit: @Sendable (_ offset: Int, _ limit: Int, _ answer: [String: Any]) -> [String: Any]
        init(list: String = "/users", edit: @escaping @Sendable (Int, Int, [String: Any]) -> [String: Any]) { self.list = list; self.edit = edit }

        func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
            let response = try await inner.send(request)
            guard request.method == "GET", request.path.hasSuffix(list),
                  let answer = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else { return response }
            lists.withLock { $0 += 1 }
            let q = Dictionary(request.query.map { ($0.0, Int($0.1) ?? 0) }, uniquingKeysWith: { a, _ in a })
            let edited = edit(q["offset"] ?? 0, q["limit"] ?? 0, answer)
            return HTTPResponseData(status: response.status, headers: response.headers,
                                    body: Array(try JSONSerialization.data(withJSONObject: edited)))
        }
    }

    final class Warnings: Sendable {
        let said = Mutex<[String]>([])
        var all: [String] { said.withLock { $0 } }
    }

    /// A service with `accounts` accounts on one instance, and a client whose list answers go
    /// through `edit`.
    static func setUp(accounts: Int, maxRows: Int = DDMClient.defaultMaxListedRows, list: String = "/users",
                      edit: @escaping @Sendable (Int, Int, [String: Any]) -> [String: Any])
    async throws -> (LocalHarness, DDMClient, String, Editing, Warnings) {
        let h = try await LocalHarness.start { $0.maxAccounts = 500 }
        let instance = try await h.makeInstance()
        for n in 0..<accounts {
            _ = try await h.client.createAccounts(instance: instance, [CreateAccountRequest(
                name: String(format: "pg%03d", n), password: "Paging_Test_1!", baseAuthority: [.select])])
        }
        let wire = Editing(list: list, edit: edit)
        let warnings = Warnings()
        var config = h.client.configuration
        config.warn = { message in warnings.said.withLock { $0.append(message) } }
        config.maxListedRows = maxRows
        config.apiVersion = .v3
        let client = try DDMClient(configuration: config,
                                   authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk,
                                                                    projectId: config.projectId),
                                   transport: wire)
        return (h, client, instance, wire, warnings)
    }

    /// A service that serves at most 7 rows however many are asked for, and says the total:
    /// the listing goes on past the short pages and gets every row.
    @Test func aShortPageWithALargerTotalGoesOn() async throws {
        let (h, client, instance, wire, warnings) = try await Self.setUp(accounts: 20) { _, _, answer in
            var a = answer
            a["users"] = Array((answer["users"] as? [Any] ?? []).prefix(7))
            return a
        }
        defer { Task { await h.stop() } }
        let all = try await client.allAccounts(instance: instance)
        #expect(Set(all.map(\.name)).count == 20)
        #expect(wire.lists.withLock { $0 } == 3)
        #expect(warnings.all.isEmpty)
    }

    /// Without a total, a short page is the only end there is.
    @Test func withoutATotalAShortPageEnds() async throws {
        let (h, client, instance, wire, _) = try await Self.setUp(accounts: 5) { _, _, answer in
            var a = answer
            a["total"] = nil
            return a
        }
        defer { Task { await h.stop() } }
        #expect(try await client.allAccounts(instance: instance).count == 5)
        #expect(wire.lists.withLock { $0 } == 1)
    }

    /// The same full page at every offset, no total: the second page ends it, with a warning.
    @Test func theSamePageAgainEndsTheListing() async throws {
        let (h, client, instance, wire, warnings) = try await Self.setUp(accounts: 1) { _, limit, _ in
            ["users": (0..<limit).map { ["name": "same\($0)", "status": "RUNNING"] }]
        }
        defer { Task { await h.stop() } }
        let all = try await client.allAccounts(instance: instance)
        #expect(all.count == DDMClient.pageSize)
        #expect(wire.lists.withLock { $0 } == 2)
        #expect(warnings.all.count == 1 && warnings.all[0].contains("same page"))
    }

    /// Full pages of new rows for ever, claiming a million: the cap ends it, with a warning that
    /// names what the service claimed. Memory and calls stay bounded by the cap.
    @Test func aMillionClaimedStopsAtTheCap() async throws {
        let (h, client, instance, wire, warnings) = try await Self.setUp(accounts: 1, maxRows: 1000) { offset, limit, _ in
            ["users": (0..<limit).map { ["name": "u\(offset + $0)", "status": "RUNNING"] }, "total": 1_000_000]
        }
        defer { Task { await h.stop() } }
        let all = try await client.allAccounts(instance: instance)
        #expect(all.count == 1000)
        #expect(wire.lists.withLock { $0 } == 8)   // 1000 rows at 128 a page
        #expect(warnings.all.count == 1 && warnings.all[0].contains("1000") && warnings.all[0].contains("1000000"))
    }

    /// The slow-query listing has its own loop (it stops once it has enough): at the cap it stops
    /// too, and says so, as every other listing does.
    @Test func slowQueriesStopAtTheCapAndSaySo() async throws {
        let (h, client, instance, wire, warnings) = try await Self.setUp(accounts: 0, maxRows: 300, list: "/slow-logs") { offset, limit, _ in
            ["slow_log_list": (0..<limit).map { ["query_sample": "select \(offset + $0)", "time": "2"] }, "total_record": 1_000_000]
        }
        defer { Task { await h.stop() } }
        let (queries, total) = try await client.slowQueries(instance: instance, from: Date().addingTimeInterval(-3600), to: Date(), max: 10_000)
        #expect(queries.count == 300 && total == 1_000_000)
        #expect(wire.lists.withLock { $0 } == 3)
        #expect(warnings.all.count == 1 && warnings.all[0].contains("300 slow queries") && warnings.all[0].contains("1000000"), "\(warnings.all)")
    }

    /// An empty page while the total says more: the listing ends, and says the service served less.
    @Test func anEmptyPageBeforeTheTotalEndsWithAWarning() async throws {
        let (h, client, instance, wire, warnings) = try await Self.setUp(accounts: 3) { offset, _, answer in
            var a = answer
            a["total"] = 50
            if offset > 0 { a["users"] = [] }
            return a
        }
        defer { Task { await h.stop() } }
        #expect(try await client.allAccounts(instance: instance).count == 3)
        #expect(wire.lists.withLock { $0 } == 2)
        #expect(warnings.all.count == 1 && warnings.all[0].contains("50") && warnings.all[0].contains("served 3"))
    }
}
