import LocalTestSupport
import Synchronization
import Testing

/// The trait that stops what a test started: the stop has finished when the scope ends.
@Suite struct StopsWhatItStartsTests {
    @Test func aStopHandedOverIsAwaitedBeforeTheScopeEnds() async throws {
        let stopped = Mutex(false)
        try await StopsWhatItStarts().provideScope(for: try #require(Test.current), testCase: Test.Case.current) {
            stopAfterTest {
                await Task.yield()
                stopped.withLock { $0 = true }
            }
        }
        #expect(stopped.withLock { $0 })
    }
}
