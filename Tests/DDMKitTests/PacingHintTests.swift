import Foundation
import Testing
@testable import DDMKit

/// What one run learns of a rate is a hint with an expiry: a single long Retry-After is waited
/// out, not taken for a rate, and two processes learning at once both keep what they learned.
@Suite struct PacingHintTests {
    @Test func oneLongRetryAfterIsAPauseNotARate() throws {
        var s = PacingState(now: 0)
        guard case .send(let epoch) = s.admit(now: 0) else { Issue.record("not admitted"); return }
        let made = s.throttled(now: 1, retryAfter: 120, epoch: epoch)
        let change = try #require(made)
        #expect(change.reason == .pause(120))
        // Nothing kept for the next run: one answer is no rate.
        #expect(!change.worthKeeping)
        #expect(!s.confident)
        // Waited out in full…
        #expect(s.admit(now: 60) == .wait(until: 121))
        // …then probed up fast from DDM's documented 60 calls/min, not held at one call in two minutes.
        let afterPause = try #require(s.rate(at: 121))
        #expect(afterPause > 0.9 && afterPause <= 1)
        let later = try #require(s.rate(at: 124))
        #expect(later > 10, "\(later) calls/s three seconds after the pause")
    }

    @Test func aShortRetryAfterStillSetsARate() throws {
        var s = PacingState(now: 0)
        guard case .send(let epoch) = s.admit(now: 0) else { Issue.record("not admitted"); return }
        let made = s.throttled(now: 1, retryAfter: 4, epoch: epoch)
        let change = try #require(made)
        #expect(change.reason == .retryAfter(4) && change.worthKeeping)
    }

    static func memory() -> (EndpointMemory, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hint-\(UUID().uuidString)").path
        return (EndpointMemory(path: dir + "/pacing.json"), dir)
    }

    @Test func aLearnedRateExpiresAfterADayAndSaysItsAge() {
        let (memory, dir) = Self.memory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let now = Date()
        memory.remember(3, for: "k", now: now)
        let learned = memory.learned(for: "k", now: now.addingTimeInterval(7200))
        #expect(learned?.callsPerMinute == 3)
        #expect(learned.map { abs($0.age - 7200) < 1 } == true)
        #expect(memory.rate(for: "k", now: now.addingTimeInterval(25 * 3600)) == nil)
        // API facts keep their week.
        memory.rememberOlderOnly(.listEngines, for: "api", now: now)
        #expect(memory.olderOnly(for: "api", now: now.addingTimeInterval(3 * 86400)) == [.listEngines])
    }

    /// Many writers at once, each with its own fact: under the lock none is lost.
    @Test func factsLearnedAtTheSameTimeAreAllKept() async {
        let (memory, dir) = Self.memory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<24 { group.addTask { memory.remember(Double(n + 1), for: "key\(n)") } }
        }
        let all = memory.load()
        #expect(all.count == 24)
        #expect((0..<24).allSatisfy { all["key\($0)"]?.callsPerMinute == Double($0 + 1) })
    }
}
