import Foundation
import Synchronization
import Testing
@testable import DDMKit

/// The pacer's rate decisions, driven by explicit times: nothing here sleeps.
@Suite struct PacingStateTests {
    func send(_ s: inout PacingState, at now: Double) throws -> Int {
        guard case .send(let epoch) = s.admit(now: now) else { throw PacingTestError.notAdmitted(s.admit(now: now)) }
        return epoch
    }

    @Test func unknownRateStartsUnpacedWithOneCallInFlightAndGrowsTheWindow() throws {
        var s = PacingState(now: 0)
        #expect(s.rate(at: 0) == nil)
        _ = try send(&s, at: 0)
        #expect(s.admit(now: 0) == .full)
        for i in 0..<12 {
            s.succeeded(now: Double(i) * 0.01)
            _ = try send(&s, at: Double(i) * 0.01)
        }
        // 1 + 0.25/w per success: past 2 after a dozen successes, so two calls go together.
        #expect(s.window > 2 && s.window < 3)
        _ = try send(&s, at: 0.2)
        #expect(s.admit(now: 0.2) == .full)
    }

    @Test func retryAfterOfTwoSecondsOrMoreSetsAHeldRate() throws {
        var s = PacingState(now: 0)
        let epoch = try send(&s, at: 0)
        let made = s.throttled(now: 1, retryAfter: 3, epoch: epoch)
        let change = try #require(made)
        #expect(change.from == nil && change.reason == .retryAfter(3) && change.worthKeeping)
        #expect(s.base == 1.0 / 3 && s.confident && s.window == 1)
        #expect(s.admit(now: 2) == .wait(until: 4))
        _ = try send(&s, at: 4)
        s.succeeded(now: 4.1)
        // Paced at 97% of the estimate: the next call 3.09 s later.
        guard case .wait(let until) = s.admit(now: 4.1) else { Issue.record("expected a wait"); return }
        #expect(abs(until - (4 + 3 / 0.97)) < 0.001)
        // Held: 10 s on, the pace has hardly grown (40 calls' worth of time to double).
        #expect(try #require(s.rate(at: 14)) < 1.0 / 3 * 1.01)
    }

    @Test func retryAfterOfOneSecondIsOnlyAFloorAndIsProbedUpFast() throws {
        var s = PacingState(now: 0)
        let epoch = try send(&s, at: 0)
        s.throttled(now: 0, retryAfter: 1, epoch: epoch)
        #expect(s.base == 1 && !s.confident)
        #expect(s.throttled(now: 0, retryAfter: 1, epoch: 5) == nil)
        // A second after resuming the pace has doubled (times the margin), two seconds after, ×9.
        #expect(abs(try #require(s.rate(at: 2)) - 2 * 0.97) < 1e-9)
        #expect(abs(try #require(s.rate(at: 3)) - 9 * 0.97) < 1e-9)
    }

    @Test func noRetryAfterGuessesOneCallASecond() throws {
        var s = PacingState(now: 0)
        let epoch = try send(&s, at: 0)
        let made = s.throttled(now: 5, retryAfter: nil, epoch: epoch)
        let change = try #require(made)
        #expect(change.reason == .guessed && s.base == 1 && !s.confident)
        #expect(s.admit(now: 5) == .wait(until: 6))
    }

    @Test func throttlesOfCallsSentBeforeTheLastThrottleChangeNothing() throws {
        var s = PacingState(settings: .init(maxConcurrency: 4, cap: nil), learned: nil, now: 0)
        for i in 0..<20 { s.succeeded(now: Double(i)); _ = try send(&s, at: Double(i)) }
        let a = try send(&s, at: 8), b = try send(&s, at: 8)
        let news = s.throttled(now: 8.1, retryAfter: 3, epoch: a)
        let stale = s.throttled(now: 8.1, retryAfter: 3, epoch: b)
        #expect(news != nil && stale == nil)
        #expect(s.base == 1.0 / 3 && s.epoch == 1)
    }

    @Test func theRateBetweenTwoThrottlesIsMeasured() throws {
        var s = PacingState(now: 0)
        s.throttled(now: 0, retryAfter: 1, epoch: try send(&s, at: 0))
        for i in 0..<10 {
            let now = 1 + Double(i) * 1.1
            _ = try send(&s, at: now)
            s.succeeded(now: now)
        }
        let epoch = try send(&s, at: 12)
        let made = s.throttled(now: 12, retryAfter: 1, epoch: epoch)
        let change = try #require(made)
        // The budget was empty at both throttles: what succeeded between is what it refilled.
        #expect(change.reason == .measured(successes: 10, seconds: 12) && change.worthKeeping)
        #expect(s.base == 10.0 / 12 && s.confident)
    }

    @Test func aThrottleSoonAfterTheLastHoldsTheBaseIfCallsGotThroughAndHalvesItIfNone() throws {
        var settings = PacingState.Settings()
        settings.minimumMeasureSeconds = 5
        var s = PacingState(settings: settings, now: 0)
        s.throttled(now: 0, retryAfter: 1, epoch: try send(&s, at: 0))
        _ = try send(&s, at: 1)
        s.succeeded(now: 1)
        let held = s.throttled(now: 2.1, retryAfter: 1, epoch: try send(&s, at: 2.1))
        #expect(held?.reason == .probeEnded && s.base == 1 && s.confident)
        let halved = s.throttled(now: 3.2, retryAfter: 1, epoch: try send(&s, at: 3.2))
        #expect(halved?.reason == .throttledAgain && s.base == 0.5 && !s.confident)
    }

    @Test func oneMeasurementCutsTheBaseByHalfAtMost() throws {
        // Throttles that are not the budget's (a gateway under load) must not collapse the pace.
        var s = PacingState(learned: 10, now: 0)
        s.throttled(now: 0, retryAfter: nil, epoch: try send(&s, at: 0))
        #expect(s.base == 10)
        _ = try send(&s, at: 1)
        s.succeeded(now: 1)
        s.throttled(now: 11, retryAfter: nil, epoch: try send(&s, at: 11))
        #expect(s.base == 5)
    }

    @Test func throttlesAtAPaceThatCallsGetThroughAtDoNotLowerTheBase() throws {
        // A gateway answering an odd 429 whatever the pace: the rate must not ratchet down.
        var s = PacingState(learned: 2, now: 0)
        var now = 0.0
        for _ in 0..<5 {
            for _ in 0..<20 {
                guard case .send = s.admit(now: now) else { now += 0.05; continue }
                s.succeeded(now: now)
            }
            while true { if case .send(let e) = s.admit(now: now) { s.throttled(now: now, retryAfter: nil, epoch: e); break }; now += 0.05 }
        }
        #expect(s.base == 2)
        #expect(try #require(s.rate(at: now)) >= 2 * 0.97 * 0.999)
    }

    @Test func aLearnedRateStartsPacedAndKeepsItsPlaceAfterAThrottleAtTheStart() throws {
        var s = PacingState(learned: 0.5, now: 0)
        #expect(s.window == 8 && s.confident)
        _ = try send(&s, at: 0)
        guard case .wait = s.admit(now: 0) else { Issue.record("a learned rate paces from the first call"); return }
        let made = s.throttled(now: 0.1, retryAfter: 2, epoch: 0)
        let change = try #require(made)
        #expect(change.reason == .learned && s.base == 0.5 && s.confident)
        #expect(s.admit(now: 1) == .wait(until: 2.1))
    }

    @Test func theCapIsNeverExceeded() throws {
        var s = PacingState(settings: .init(cap: 1), learned: 10, now: 0)
        for t in stride(from: 0.0, through: 600, by: 37) { #expect(try #require(s.rate(at: t)) <= 1) }
        var capped = PacingState(settings: .init(cap: 2), now: 0)
        // With a cap and nothing learned, the cap is the pace from the first call.
        _ = try send(&capped, at: 0)
        #expect(capped.admit(now: 0) == .wait(until: 0.5))
        s.throttled(now: 1, retryAfter: 3, epoch: try send(&s, at: 1))
        #expect(try #require(s.rate(at: 500)) <= 1)
    }

    @Test func growthFindsALooserService() throws {
        var s = PacingState(now: 0)
        s.throttled(now: 0, retryAfter: 2, epoch: try send(&s, at: 0))
        // Held at 0.5/s: doubling takes 40 calls at that pace (80 s), so 160 s on it is well past.
        #expect(try #require(s.rate(at: 2 + 160)) > 2)
    }
}

enum PacingTestError: Error { case notAdmitted(PacingState.Admission) }

/// A clock whose sleeps move time on at once: the actor's waits are exercised without waiting.
final class ManualClock: PacingClock {
    private let time = Mutex(0.0)
    func now() -> Double { time.withLock { $0 } }
    func sleep(seconds: Double) async throws {
        time.withLock { $0 += max(0, seconds) }
    }
}

@Suite struct PacerTests {
    @Test func callsWaitForThePaceAfterAThrottle() async throws {
        let clock = ManualClock()
        let changes = Mutex<[PacingState.Change]>([])
        let pacer = Pacer(settings: .init(), clock: clock) { c in changes.withLock { $0.append(c) } }
        let first = try await pacer.acquire()
        await pacer.finish(first, .throttled(retryAfter: 4))
        let second = try await pacer.acquire()
        #expect(clock.now() == 4)
        await pacer.finish(second, .success)
        _ = try await pacer.acquire()
        #expect(abs(clock.now() - (4 + 4 / 0.97)) < 0.01)
        #expect(changes.withLock { $0.map(\.reason) } == [.retryAfter(4)])
        #expect(await pacer.callsPerMinute != nil)
    }

    /// The window starts at one call in flight: a second acquire waits until the first finishes.
    @Test func aFullWindowWaitsForACallToFinish() async throws {
        let pacer = Pacer(settings: .init(), clock: ManualClock())
        let first = try await pacer.acquire()
        let admitted = Atomic<Bool>(false)
        let waiting = Task {
            let ticket = try await pacer.acquire()
            admitted.store(true, ordering: .sequentiallyConsistent)
            return ticket
        }
        // Give the waiter every chance to run (no clock is involved: the window alone holds it).
        for _ in 0..<200 { await Task.yield() }
        let early = admitted.load(ordering: .sequentiallyConsistent)
        #expect(!early, "admitted while the window was full")
        await pacer.finish(first, .success)
        _ = try await waiting.value
        let late = admitted.load(ordering: .sequentiallyConsistent)
        #expect(late)
    }

    @Test func aCancelledWaiterLeaves() async throws {
        let pacer = Pacer(settings: .init(), clock: ManualClock())
        _ = try await pacer.acquire()
        let waiting = Task { try await pacer.acquire() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }
}

@Suite struct ThrottleDeadlineTests {
    let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(1), throttleDeadline: .seconds(60))
    let throttled = DDMError(kind: .http, status: 429, code: "APIGW.0308", message: "over ratelimit", retryAfter: 2)

    @Test func aThrottleIsRetriedPastTheTriesUntilTheDeadline() {
        #expect(policy.decide(throttled, attempt: 40, elapsed: .seconds(50), repeatability: .once, random: 1) == .retry(after: .seconds(2)))
        #expect(policy.decide(throttled, attempt: 2, elapsed: .seconds(59), repeatability: .once, random: 1) == .fail)
        let busy = DDMError(kind: .http, status: 409, code: "DBS.200019", message: "busy")
        #expect(policy.decide(busy, attempt: 9, elapsed: .seconds(10), repeatability: .safe, random: 1) == .retry(after: .seconds(1)))
    }

    @Test func aPacedThrottleWaitsOnlyForRetryAfter() {
        var bare = throttled
        bare.retryAfter = nil
        #expect(policy.decide(bare, attempt: 5, repeatability: .safe, paced: true) == .retry(after: .zero))
        #expect(policy.decide(throttled, attempt: 5, repeatability: .safe, paced: true) == .retry(after: .seconds(2)))
    }

    @Test func serverErrorsStillStopAfterTheTries() {
        let e500 = DDMError(kind: .http, status: 500, message: "boom")
        #expect(policy.decide(e500, attempt: 3, repeatability: .safe, random: 1) == .fail)
    }
}

@Suite struct EndpointMemoryTests {
    @Test func aLearnedRateIsKeptWithoutNamingTheEndpointOrTheKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pacing-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let memory = EndpointMemory(path: dir + "/cache/pacing.json")
        let key = EndpointMemory.key(endpoint: "https://ddm.example.test", projectId: "0123456789abcdef0123456789abcdef",
                                   identity: "ak:AKIDEXAMPLE123")
        #expect(memory.rate(for: key) == nil)
        memory.remember(18.5, for: key)
        #expect(memory.rate(for: key) == 18.5)
        let text = try String(contentsOfFile: memory.path, encoding: .utf8)
        #expect(!text.contains("AKIDEXAMPLE123") && !text.contains("example.test") && !text.contains("0123456789abcdef"))
        let mode = try FileManager.default.attributesOfItem(atPath: memory.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A week later the limit may have changed: re-learn it.
        #expect(memory.rate(for: key, now: Date().addingTimeInterval(8 * 24 * 3600)) == nil)
        #expect(EndpointMemory(path: dir + "/missing.json").rate(for: key) == nil)
    }
}
