import Foundation
import LocalTestSupport
import Testing
@testable import DDMKit

/// A server that drips, never answers or redirects elsewhere: the call ends by its deadline, and
/// no credential leaves for another origin.
@Suite(.serialized) struct HostileServerTests {
    static let project = String(repeating: "a", count: 32)
    static let token = "tok-" + UUID().uuidString

    static func client(_ url: String, deadline: Duration) throws -> DDMClient {
        try DDMClient(configuration: DDMConfiguration(endpoint: .url(url), projectId: project,
                                                      retry: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(50), throttleDeadline: deadline),
                                                      pacing: .off, apiVersion: .v1),
                      authenticator: TokenAuthenticator(token: token))
    }

    // No wall-clock bound here: under the whole suite a test task can wait many seconds for a
    // thread. The deadline's mark on the error, and the body the server never finished, show it.
    @Test func aBodyDrippedAByteAtATimeIsCutAtTheCallDeadline() async throws {
        // Three minutes of body at a byte every 60 ms.
        let server = try HostileServer(.drip(every: .milliseconds(60), length: 3000), lifetime: .seconds(300))
        defer { server.stop() }
        let client = try Self.client(server.url, deadline: .seconds(1))
        let error = await #expect(throws: DDMError.self) { _ = try await client.listEngines() }
        #expect(error?.isDeadline == true, "\(String(describing: error))")
        #expect(error?.message.contains("by the call's deadline (--call-deadline)") == true)
        // Unknown, not refused: a write cut off here may have been applied.
        #expect(error?.certainlyNotApplied == false)
        #expect(server.dripped < 3000)
    }

    @Test func aServerThatNeverAnswersIsBoundedByTheCallDeadline() async throws {
        let server = try HostileServer(.silent, lifetime: .seconds(300))
        defer { server.stop() }
        // A read timeout of a minute would otherwise end it, not the deadline.
        let client = try Self.client(server.url, deadline: .seconds(1))
        let error = await #expect(throws: DDMError.self) { _ = try await client.listEngines() }
        #expect(error?.isDeadline == true, "\(String(describing: error))")
    }

    @Test func aRedirectToAnotherOriginIsNotFollowedAndCarriesNoToken() async throws {
        let elsewhere = try HostileServer(.silent, lifetime: .seconds(300))
        defer { elsewhere.stop() }
        let server = try HostileServer(.redirect(elsewhere.url + "/v1/steal"), lifetime: .seconds(300))
        defer { server.stop() }
        let client = try Self.client(server.url, deadline: .seconds(240))
        let error = await #expect(throws: DDMError.self) { _ = try await client.listEngines() }
        #expect(error?.status == 302)
        #expect(error?.message.contains("redirected the call to \(elsewhere.url)") == true, "\(String(describing: error))")
        #expect(server.requests.count == 1)
        #expect(server.requests.first?.contains(Self.token) == true)
        // Not one request reached the other origin, so the token never did. (Had the redirect been
        // followed, the call would still be waiting on it: `elsewhere` never answers.)
        #expect(elsewhere.requests.isEmpty)
    }

    @Test func aRedirectFromHTTPSToHTTPIsSaidAsSuch() {
        let error = AsyncHTTPTransport.redirected(301, to: "http://ddm.example.com/v1/x", from: "https://ddm.example.com/v1/x")
        #expect(error.message.contains("from https to plain http"))
        #expect(error.message.contains("http://ddm.example.com"))
        #expect(!error.message.contains("/v1/x"))
    }

    @Test func aDeadEndpointIsTriedOnceByEachLaterCall() async throws {
        // A port that was just free: nothing listens there.
        let port = try LoopbackPort.unused()
        let client = try DDMClient(configuration: DDMConfiguration(endpoint: .url("http://127.0.0.1:\(port)"), projectId: Self.project,
                                                                   pacing: .off, apiVersion: .v1),
                                   authenticator: TokenAuthenticator(token: Self.token))
        await #expect(throws: DDMError.self) { _ = try await client.listEngines() }
        let first = await client.callCounts().total
        #expect(first == RetryPolicy.unreachableAttempts)
        for _ in 0..<30 { await #expect(throws: DDMError.self) { _ = try await client.listEngines() } }
        // One try each: no quick retries spent again on an endpoint just found down.
        #expect(await client.callCounts().total == first + 30)
    }

    /// One 429 asking for two minutes: the next call waits for its turn only until its deadline,
    /// and is not sent.
    @Test func aPaceHeldByALongRetryAfterEndsAtTheCallDeadline() async throws {
        try await DedicatedExecutor.run { try await paceHeld() }
    }

    func paceHeld() async throws {
        let server = try HostileServer(.throttle(retryAfter: 120), lifetime: .seconds(300))
        defer { server.stop() }
        let client = try DDMClient(configuration: DDMConfiguration(endpoint: .url(server.url), projectId: Self.project,
                                                                   retry: RetryPolicy(throttleDeadline: .seconds(1)),
                                                                   pacing: .adaptive(), apiVersion: .v1),
                                   authenticator: TokenAuthenticator(token: Self.token))
        let first = await #expect(throws: DDMError.self) { _ = try await client.listEngines() }
        #expect(first?.isThrottled == true, "\(String(describing: first))")
        let second = await #expect(throws: DDMError.self) { _ = try await client.listEngines() }
        #expect(second?.message.contains("held list engines past the call's deadline") == true, "\(String(describing: second))")
        #expect(second?.certainlyNotApplied == true)
        #expect(server.requests.count == 1)
    }
}
