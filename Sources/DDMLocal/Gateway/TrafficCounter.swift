import Synchronization

/// Requests the gateway has seen, counted on the service's side: what a benchmark or a test
/// needs to judge a client from outside it.
public struct Traffic: Sendable, Equatable {
    /// GETs, and every other method, answered or not.
    public var reads = 0
    public var writes = 0
    /// Of those, the ones answered 429.
    public var throttledReads = 0
    public var throttledWrites = 0
    public var throttled: Int { throttledReads + throttledWrites }
    public init() {}
}

final class TrafficCounter: Sendable {
    private let state = Mutex(Traffic())

    func record(method: String, status: Int?) {
        state.withLock { t in
            let read = method == "GET"
            if read { t.reads += 1 } else { t.writes += 1 }
            if status == 429 { if read { t.throttledReads += 1 } else { t.throttledWrites += 1 } }
        }
    }

    var snapshot: Traffic { state.withLock { $0 } }
    func reset() { state.withLock { $0 = Traffic() } }
}
