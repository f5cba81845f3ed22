import Foundation

/// When to try a call again and how long to wait first.
public struct RetryPolicy: Sendable {
    /// Total tries after an ambiguous failure (5xx, network), the first included. 1 turns all
    /// retries off.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A call that the service rejects for load (429, instance busy) certainly did nothing, so it
    /// is repeated for as long as this, counted from its first try, whatever the number of tries.
    public var throttleDeadline: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(20),
                throttleDeadline: Duration = .seconds(300)) {
        self.maxAttempts = max(1, maxAttempts); self.baseDelay = baseDelay; self.maxDelay = maxDelay
        self.throttleDeadline = throttleDeadline
    }

    public static let none = RetryPolicy(maxAttempts: 1)
    /// Tries of a call whose connection cannot be made (about a second in all with the base delay).
    public static let unreachableAttempts = 3

    public enum Decision: Sendable, Equatable {
        case fail
        /// Repeat after the delay.
        case retry(after: Duration)
        /// Unknown whether it applied: run the create's existence check, then maybe repeat.
        case verifyThenRetry(after: Duration)
    }

    /// - Parameters:
    ///   - attempt: the try that just failed, starting at 1.
    ///   - elapsed: time since the first try.
    ///   - paced: an adaptive pacer holds calls back after a throttle, so a throttled call needs
    ///     no backoff of its own beyond `Retry-After`.
    public func decide(_ error: DDMError, attempt: Int, elapsed: Duration = .zero, repeatability: Repeatability,
                       paced: Bool = false, random: Double = Double.random(in: 0...1)) -> Decision {
        guard maxAttempts > 1 else { return .fail }
        // Rejections: the service certainly did not apply the call.
        if error.isThrottled || (error.status == 409 && error.isInstanceBusy) {
            let wait = paced && error.isThrottled
                ? .milliseconds(Int64((error.retryAfter ?? 0) * 1000))
                : delay(attempt: attempt, retryAfter: error.retryAfter, random: random)
            return elapsed + wait < throttleDeadline ? .retry(after: wait) : .fail
        }
        guard attempt < maxAttempts else { return .fail }
        let wait = delay(attempt: attempt, retryAfter: error.retryAfter, random: random)
        // The deadline bounds every retry, not only throttles.
        guard elapsed + wait < throttleDeadline else { return .fail }
        if error.isUnreachable {
            // Nothing was sent, so any call may be repeated; but a dead endpoint should fail in
            // seconds, not minutes: a few quick tries cover a restart or a dropped packet.
            return attempt < Self.unreachableAttempts ? .retry(after: min(wait, .seconds(1))) : .fail
        }
        let ambiguous = error.kind == .transport || error.isServerError
        guard ambiguous else { return .fail }
        switch repeatability {
        case .safe: return .retry(after: wait)
        case .create: return .verifyThenRetry(after: wait)
        case .once: return .fail
        }
    }

    /// Exponential backoff with full jitter in the upper half, never less than `Retry-After`.
    public func delay(attempt: Int, retryAfter: Double?, random: Double) -> Duration {
        let exp = baseDelay * Int(1 << min(attempt - 1, 20))
        let capped = min(exp, maxDelay)
        let jittered = capped * (0.5 + 0.5 * random)
        if let retryAfter, retryAfter > 0 {
            return max(jittered, .milliseconds(Int64(retryAfter * 1000)))
        }
        return jittered
    }

    /// `Retry-After` in seconds or as an HTTP date.
    static func parseRetryAfter(_ value: String?) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }
}
