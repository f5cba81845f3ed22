import Synchronization

/// Rolls the dice for injected faults and keeps the per-user rate buckets.
final class FaultInjector: Sendable {
    enum Fault: Equatable { case throttle, serverError, busy, dropBefore, dropAfter }

    private struct State {
        var settings: FaultSettings
        var rng: UInt64
        var buckets: [String: (tokens: Double, last: Double)] = [:]
    }
    private let state: Mutex<State>

    init(_ settings: FaultSettings) {
        state = Mutex(State(settings: settings, rng: settings.seed))
    }

    var settings: FaultSettings {
        get { state.withLock { $0.settings } }
        set { state.withLock { $0.settings = newValue; $0.rng = newValue.seed; $0.buckets = [:] } }
    }

    /// SplitMix64: small, seedable, good enough for dice.
    private static func next(_ x: inout UInt64) -> Double {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    func roll() -> Fault? {
        state.withLock { s in
            let r = Self.next(&s.rng)
            if r < s.settings.throttleRate { return .throttle }
            guard r < s.settings.throttleRate + s.settings.faultRate else { return nil }
            switch Int(Self.next(&s.rng) * 4) {
            case 0: return .serverError
            case 1: return .busy
            case 2: return .dropBefore
            default: return .dropAfter
            }
        }
    }

    /// Takes one call from the user's bucket; returns seconds to wait when empty.
    func throttle(user: String, now: Double) -> Double? {
        state.withLock { s in
            guard let perMinute = s.settings.rateLimit else { return nil }
            let capacity = s.settings.rateBurst ?? max(10, perMinute / 6)
            let perSecond = perMinute / 60
            var b = s.buckets[user] ?? (capacity, now)
            b.tokens = min(capacity, b.tokens + (now - b.last) * perSecond)
            b.last = now
            defer { s.buckets[user] = b }
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            return (1 - b.tokens) / perSecond
        }
    }
}
