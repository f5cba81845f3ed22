import Foundation

/// Time for the pacer: the real monotonic clock, or a test's.
public protocol PacingClock: Sendable {
    /// Seconds on a monotonic scale.
    func now() -> Double
    func sleep(seconds: Double) async throws
}

public struct SystemPacingClock: PacingClock {
    private static let origin = ContinuousClock.now
    public init() {}
    public func now() -> Double {
        let d = ContinuousClock.now - Self.origin
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    public func sleep(seconds: Double) async throws {
        try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up))))
    }
}

/// The adaptive limiter shared by every concurrent call of one client: it holds calls back to the
/// pace and the window that `PacingState` decides, and learns from how each call ended.
public actor Pacer {
    /// How a paced call ended.
    public enum Outcome: Sendable {
        /// The service answered (with success or an error other than a throttle): the call
        /// passed the gateway's budget.
        case success
        case throttled(retryAfter: Double?)
        /// No answer (network error, cancellation): nothing learned.
        case other
    }

    public struct Ticket: Sendable { let epoch: Int }

    private var state: PacingState
    private let clock: any PacingClock
    private var waiters: [UUID: CheckedContinuation<Void, Error>] = [:]
    private let onChange: @Sendable (PacingState.Change) -> Void

    public init(settings: PacingState.Settings, learned: Double? = nil, clock: any PacingClock = SystemPacingClock(),
                onChange: @escaping @Sendable (PacingState.Change) -> Void = { _ in }) {
        self.clock = clock
        self.state = PacingState(settings: settings, learned: learned, now: clock.now())
        self.onChange = onChange
    }

    /// Calls per minute now; nil while unpaced.
    public var callsPerMinute: Double? { state.rate(at: clock.now()).map { $0 * 60 } }
    /// Waits until a call may be sent.
    public func acquire() async throws -> Ticket {
        while true {
            try Task.checkCancellation()
            switch state.admit(now: clock.now()) {
            case .send(let epoch):
                return Ticket(epoch: epoch)
            case .wait(let until):
                try await clock.sleep(seconds: until - clock.now())
            case .full:
                try await waitForSlot()
            }
        }
    }

    public func finish(_ ticket: Ticket, _ outcome: Outcome) {
        let now = clock.now()
        switch outcome {
        case .success: state.succeeded(now: now)
        case .other: state.ended()
        case .throttled(let retryAfter):
            if let change = state.throttled(now: now, retryAfter: retryAfter, epoch: ticket.epoch) { onChange(change) }
        }
        wakeAll()
    }

    private func waitForSlot() async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                if Task.isCancelled { c.resume(throwing: CancellationError()) } else { waiters[id] = c }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func cancel(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    // Everyone re-checks: the window may have grown by more than one, or shrunk.
    private func wakeAll() {
        let all = waiters
        waiters = [:]
        for c in all.values { c.resume() }
    }
}
