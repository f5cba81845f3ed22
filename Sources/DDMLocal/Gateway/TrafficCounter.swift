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
    /// Requests by the API generation their path names (`v1`, `v2`, `v3`).
    public var byVersion: [String: Int] = [:]
    /// Requests for a path or method this service does not serve (the gateway's 404/405).
    public var notServed = 0
    public init() {}
}

final class TrafficCounter: Sendable {
    private let state = Mutex(Traffic())

    func record(method: String, status: Int?, path: String = "", served: Bool = true) {
        let version = path.split(separator: "/").first.map(String.init).flatMap { $0.hasPrefix("v") ? $0 : nil }
        state.withLock { t in
            if let version { t.byVersion[version, default: 0] += 1 }
            if !served { t.notServed += 1 }
            let read = method == "GET"
            if read { t.reads += 1 } else { t.writes += 1 }
            if status == 429 { if read { t.throttledReads += 1 } else { t.throttledWrites += 1 } }
        }
    }

    var snapshot: Traffic { state.withLock { $0 } }
    func reset() { state.withLock { $0 = Traffic() } }
}
