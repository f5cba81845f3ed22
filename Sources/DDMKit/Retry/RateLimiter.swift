/// A token bucket shared by every concurrent call of one client, so a batch
/// stays under DDM's per-user limit (60 calls/min by default).
public actor RateLimiter {
    public nonisolated let callsPerMinute: Double
    public nonisolated let burst: Int
    private var tokens: Double
    private var last: ContinuousClock.Instant
    private let clock = ContinuousClock()

    public init(callsPerMinute: Double = 60, burst: Int = 1) {
        precondition(callsPerMinute > 0, "rate must be positive")
        self.callsPerMinute = callsPerMinute
        self.burst = max(1, burst)
        self.tokens = Double(max(1, burst))
        self.last = clock.now
    }

    /// Takes a token now and returns how long the caller must wait for it.
    /// The balance may go negative: later callers queue behind earlier ones.
    func reserve() -> Duration {
        let now = clock.now
        let perSecond = callsPerMinute / 60
        let elapsed = now - last
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(Double(burst), tokens + seconds * perSecond)
        last = now
        tokens -= 1
        if tokens >= 0 { return .zero }
        return .milliseconds(Int64((-tokens / perSecond) * 1000))
    }

    public func acquire() async throws {
        let wait = reserve()
        if wait > .zero { try await Task.sleep(for: wait) }
    }
}
