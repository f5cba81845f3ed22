import Dispatch
import Foundation

/// Ctrl-C while a statement runs cancels it (the evaluator reports what was
/// applied) instead of killing the process.
enum Interrupts {
    static func cancellingOnSIGINT<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T {
        let task = Task { await work() }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { task.cancel() }
        source.resume()
        let result = await task.value
        source.cancel()
        return result
    }
}
