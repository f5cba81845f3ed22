import Foundation

/// The adaptive pacer's decisions, as a value driven by explicit times (seconds on any monotonic
/// clock), so that every rule is unit-tested without sleeping.
///
/// DDM documents a standard policy of 60 calls per minute per user and 8,000 per API (API
/// reference, "API Calling"); a region or account may differ and other tools of the user share the
/// budget, so the pacer assumes only that the gateway rejects calls with 429 when a budget runs
/// out, uses the documented 60/min where it must guess, and learns the rest:
/// - **Unknown rate**: calls are not paced; the window of calls in flight starts at one and grows
///   by `slowStartGain / window` per success (linear slow start), so that the call that meets an
///   empty budget has few siblings in flight, each of which would be wasted.
/// - **First throttle**: `Retry-After` (seconds until the budget has a call again) gives a first
///   estimate, `1 / Retry-After`; whole seconds make it exact only when it is 2 s or more, so an
///   estimate from `Retry-After: 1`, or a guess when there is no header (one call a second: the
///   documented 60/min per user), is
///   only a floor and is probed upwards fast.
/// - **Later throttles**: the budget was empty at both throttles, so the successes between them
///   are what it refilled: successes ÷ time is a measured rate. That becomes the base, held and
///   probed upwards slowly.
/// - **Growth** is cubic in the time since the base was set (CUBIC's shape): flat near the base
///   and then faster, so a looser service is found and a probe past the limit costs one call.
///   While probing after a guess the rate doubles within `probeSeconds`; after a measurement it
///   takes `holdCalls` calls' worth of time, doubled each time a probe confirms the same rate.
/// - A throttle while the pace was no faster than what got through says the base stands (a
///   gateway under passing load, or a probe just past a budget the base matches): it is kept, so
///   random 429s do not ratchet the pace down, and probed above more slowly.
/// - A throttle too soon after the last to measure holds the base if calls got through in
///   between, and halves it if none did.
/// - Throttles of calls sent before the last throttle carry no news and change nothing.
public struct PacingState: Sendable, Equatable {
    public struct Settings: Sendable, Equatable {
        /// Calls in flight at most.
        public var maxConcurrency = 8
        /// Calls per second never exceeded (the user's `--rate-limit`); nil for none.
        public var cap: Double?
        public var slowStartGain = 0.25
        /// Probing after a guess: seconds for the rate to double.
        public var probeSeconds = 1.0
        /// Holding after a measurement: calls' worth of time before the rate has doubled.
        public var holdCalls = 40.0
        /// Pace this share of a measured rate: its last call's worth of error is below the limit.
        public var margin = 0.97
        /// A measured rate needs this many seconds between two throttles, or `minimumMeasureCalls`
        /// calls through (the budget's fraction of a call at each end bounds its error).
        public var minimumMeasureSeconds = 2.0
        public var minimumMeasureCalls = 8
        /// The first estimate when a throttle says nothing of when to come back: one call a second.
        public var guess = 1.0
        /// Never slower than this (calls per second), whatever a string of throttles suggests.
        public var floor = 0.05
        /// A first `Retry-After` longer than this (seconds) is a pause, not a rate: one call in two
        /// minutes is no budget DDM documents (60/min per user), so it is waited out and the pace
        /// probed up fast after it, and nothing is kept for the next run.
        public var longestRateRetryAfter = 10.0

        public init(maxConcurrency: Int = 8, cap: Double? = nil) {
            self.maxConcurrency = max(1, maxConcurrency); self.cap = cap
        }
    }

    /// Why the base rate changed: for `--debug` and for tests.
    public enum Reason: Sendable, Equatable {
        case learned
        case retryAfter(Double)
        /// A `Retry-After` too long to be a rate: waited out, then probed up from the guess.
        case pause(Double)
        case guessed
        case measured(successes: Int, seconds: Double)
        case notTheBudget(successes: Int, seconds: Double)
        case probeEnded
        case throttledAgain
    }

    public struct Change: Sendable, Equatable {
        /// Calls per second before and after; nil when unpaced.
        public var from: Double?
        public var to: Double
        public var reason: Reason
        /// True when the new base is an estimate worth keeping for the next run: measured between
        /// two throttles, or a `Retry-After` of two seconds or more.
        public var worthKeeping: Bool
    }

    public enum Admission: Sendable, Equatable {
        /// Send now; report the outcome with this epoch.
        case send(epoch: Int)
        /// Ask again at this time (pacing, or a `Retry-After`).
        case wait(until: Double)
        /// The window is full: ask again when a call finishes.
        case full
    }

    public let settings: Settings
    public private(set) var window: Double
    public private(set) var inFlight = 0
    /// The last estimate of the service's rate, calls per second; nil while unknown.
    public private(set) var base: Double?
    /// True when `base` was measured (or learned from a measurement) rather than guessed.
    public private(set) var confident: Bool
    public private(set) var epoch = 0
    private var baseSince: Double
    private var nextSend: Double
    private var resumeAt: Double
    private var lastThrottle: Double?
    private var successesSinceThrottle = 0
    private var holdScale = 1.0

    /// - Parameter learned: a measured rate (calls per second) from an earlier run, if any.
    public init(settings: Settings = Settings(), learned: Double? = nil, now: Double) {
        self.settings = settings
        let start = learned.map { max(settings.floor, $0) }
        base = start
        confident = start != nil
        // A rate carried over from an earlier run was already held there: probe above it more
        // slowly still, so a run right after the one that learned it is not throttled by probes.
        if start != nil { holdScale = 2 }
        // With a known rate, pacing bounds the calls in flight; without one the window must.
        window = start != nil || settings.cap != nil ? Double(settings.maxConcurrency) : 1
        baseSince = now; nextSend = now; resumeAt = now
    }

    private static func newKnowledge(_ reason: Reason) -> Bool {
        switch reason {
        case .learned, .notTheBudget, .pause: false
        case .retryAfter, .guessed, .measured, .probeEnded, .throttledAgain: true
        }
    }

    /// The pace at `now` in calls per second; nil while unpaced.
    public func rate(at now: Double) -> Double? {
        var rate: Double? = base.map { base in
            let scale = confident ? holdScale * settings.holdCalls / base : settings.probeSeconds
            let t = max(0, now - baseSince) / scale
            return base * settings.margin * (1 + t * t * t)
        }
        if let cap = settings.cap { rate = min(rate ?? cap, cap) }
        return rate
    }

    public mutating func admit(now: Double) -> Admission {
        guard inFlight < max(1, Int(window)) else { return .full }
        let at = max(resumeAt, nextSend)
        if at > now { return .wait(until: at) }
        inFlight += 1
        if let rate = rate(at: now) { nextSend = max(nextSend, now) + 1 / rate }
        return .send(epoch: epoch)
    }

    public mutating func succeeded(now: Double) {
        inFlight = max(0, inFlight - 1)
        successesSinceThrottle += 1
        window = min(Double(settings.maxConcurrency), window + settings.slowStartGain / window)
    }

    /// A call ended some other way (an error, a cancellation): nothing learned.
    public mutating func ended() {
        inFlight = max(0, inFlight - 1)
    }

    /// A 429 (or another certain rejection for load). Returns the change of base it caused.
    @discardableResult
    public mutating func throttled(now: Double, retryAfter: Double?, epoch sent: Int) -> Change? {
        inFlight = max(0, inFlight - 1)
        guard sent == epoch else { return nil }
        epoch += 1
        window = 1
        let from = rate(at: now)
        let newBase: Double
        let reason: Reason
        if let last = lastThrottle, now > last, successesSinceThrottle > 0,
           now - last >= settings.minimumMeasureSeconds || successesSinceThrottle >= settings.minimumMeasureCalls {
            let seconds = now - last
            let measured = Double(successesSinceThrottle) / seconds
            if let base, let pace = from, pace <= measured * 1.2 {
                // Throttled while sending no faster than calls were getting through: the pace was
                // not over the rate that got through, so the base stands (a gateway's passing
                // load, or a probe just past a budget the base already matches). Keep it, and
                // probe above it more slowly next time.
                newBase = base
                holdScale = min(16, holdScale * 2)
                reason = .notTheBudget(successes: successesSinceThrottle, seconds: seconds)
            } else {
                reason = .measured(successes: successesSinceThrottle, seconds: seconds)
                // A run of throttles that are not the budget's must not halve the pace each time:
                // one measurement may cut the base by half at most.
                newBase = max(measured, (base ?? measured) / 2)
                if confident, let base, abs(newBase - base) / base < 0.15 { holdScale = min(16, holdScale * 2) }
            }
            confident = true
        } else if let base, lastThrottle == nil, confident {
            // A learned rate met a budget another run had just emptied: keep it, wait, go on.
            newBase = base
            reason = .learned
        } else if let base, successesSinceThrottle > 0 {
            // A probe went past the limit soon after the last throttle, too soon to measure: the
            // base held, so hold it.
            newBase = base
            reason = .probeEnded
            confident = true
        } else if let base {
            // Not one call got through since the last throttle: even the base is too fast.
            newBase = base / 2
            reason = .throttledAgain
            confident = false
            holdScale = 1
        } else if let retryAfter, retryAfter > settings.longestRateRetryAfter {
            newBase = settings.guess
            reason = .pause(retryAfter)
            confident = false
        } else if let retryAfter, retryAfter > 0 {
            newBase = 1 / retryAfter
            reason = .retryAfter(retryAfter)
            confident = retryAfter >= 2
        } else {
            // Nothing to go on: a floor, probed up fast. (Half the rate that had got through was
            // tried: against a small budget it cost a throttle per halving, 19 for 24 calls.)
            newBase = settings.guess
            reason = .guessed
            confident = false
        }
        base = max(settings.floor, newBase)
        let wait = retryAfter.flatMap { $0 > 0 ? $0 : nil } ?? 1 / base!
        resumeAt = now + wait
        baseSince = resumeAt
        nextSend = resumeAt
        lastThrottle = now
        successesSinceThrottle = 0
        return Change(from: from, to: base!, reason: reason, worthKeeping: confident && Self.newKnowledge(reason))
    }
}
