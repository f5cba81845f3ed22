import Dispatch
import Foundation

/// SIGINT or SIGTERM without killing the process, so services can stop cleanly. Installed before
/// the service announces itself, so a signal sent right after `listening on …` is not lost.
final class TerminationSignal: @unchecked Sendable {
    private let stream: AsyncStream<Void>
    private var sources: [any DispatchSourceSignal] = []

    init() {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        self.stream = stream
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
    }

    func wait() async {
        for await _ in stream { return }
    }
}

/// An error that ends ddmsh with a message and an exit code.
public struct ShellFailure: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32
    public var description: String { message }
}
