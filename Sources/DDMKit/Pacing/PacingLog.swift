import Foundation

/// How pacing decisions read in `--debug` output and error messages.
enum PacingLog {
    static func perMinute(_ value: Double) -> String { String(format: "%.1f", value) }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s < 60 ? String(format: "%.1f s", s) : "\(Int(s) / 60) min \(Int(s) % 60) s"
    }

    static func describe(_ c: PacingState.Change) -> String {
        let from = c.from.map { perMinute($0 * 60) } ?? "unpaced"
        let why: String
        switch c.reason {
        case .learned: why = "throttled at the learned rate; keeping it"
        case .retryAfter(let s): why = "throttled; Retry-After \(s) s"
        case .pause(let s): why = "throttled; Retry-After \(s) s is a pause, not a rate: waiting it out, then probing up from 60 calls/min"
        case .guessed: why = "throttled without Retry-After; starting at DDM's documented 60 calls/min and probing up"
        case .measured(let n, let s): why = "measured \(n) calls in \(String(format: "%.1f", s)) s between throttles"
        case .notTheBudget(let n, let s):
            why = "throttled at a pace no faster than the \(n) calls in \(String(format: "%.1f", s)) s that got through: the rate stands"
        case .probeEnded: why = "probe past the limit; holding the last rate"
        case .throttledAgain: why = "throttled again with nothing through since the last throttle; halving"
        }
        return "\(from) → \(perMinute(c.to * 60)) calls/min (\(why))"
    }
}
