import Foundation
import LineEditor
import Synchronization

/// Ctrl-C, SIGTERM or a closed stdout while a statement runs cancels it (the evaluator reports
/// what was applied) instead of killing the process, at every statement of a session.
enum Interrupts {
    /// Runs `work`; the first signal that arrives meanwhile cancels it and is returned with the result.
    static func cancelling<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> (result: T, signal: Int32?) {
        let task = Task { await work() }
        let received = Mutex<Int32?>(nil)
        let result = await Interruption.listening({ sig in
            received.withLock { if $0 == nil { $0 = sig } }
            task.cancel()
        }) {
            await task.value
        }
        return (result, received.withLock { $0 })
    }

    /// The exit status for a run a signal stopped: 128 + its number, as shells report it.
    static func exitCode(for signal: Int32?) -> Int32 {
        guard let signal else { return Runner.exitInterrupted }
        return 128 + signal
    }
}
