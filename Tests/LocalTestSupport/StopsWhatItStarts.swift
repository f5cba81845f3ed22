import Synchronization
import Testing

/// A test that starts a service stops it before the test ends: `defer { stopAfterTest { await s.stop() } }`
/// hands the stop to this trait, which awaits every one after the test's body returns (or throws).
/// `defer { stopAfterTest { await s.stop() } }` left the stop running after the test, unobserved.
public struct StopsWhatItStarts: SuiteTrait, TestTrait, TestScoping {
    public init() {}
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // A suite's scope holds its tests; each test (or case of a parameterized one) gets its own.
        guard !test.isSuite else { try await function(); return }
        let bag = StopBag()
        do {
            try await StopBag.$current.withValue(bag) { try await function() }
        } catch {
            await bag.drain()
            throw error
        }
        await bag.drain()
    }
}

extension Trait where Self == StopsWhatItStarts {
    /// Awaits the stops a test hands over with `stopAfterTest`.
    public static var stopsWhatItStarts: Self { Self() }
}

/// Hands a stop to the running test's `StopsWhatItStarts` scope; without one (a suite that lacks
/// the trait) the stop runs in a task of its own, as before.
public func stopAfterTest(_ stop: @escaping @Sendable () async -> Void) {
    if let bag = StopBag.current { bag.add(stop) } else { Task { await stop() } }
}

final class StopBag: Sendable {
    @TaskLocal static var current: StopBag?
    private let stops = Mutex<[@Sendable () async -> Void]>([])
    func add(_ stop: @escaping @Sendable () async -> Void) { stops.withLock { $0.append(stop) } }
    func drain() async {
        let all = stops.withLock { s in defer { s.removeAll() }; return s }
        for stop in all.reversed() { await stop() }
    }
}
