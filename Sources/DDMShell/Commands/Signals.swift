import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM without killing the process, so services can stop cleanly.
enum Signals {
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { once.fire() }
                source.resume()
                Retained.sources.append(source)
            }
        }
    }

    private final class Once: @unchecked Sendable {
        private var continuation: CheckedContinuation<Void, Never>?
        private let lock = NSLock()
        init(_ c: CheckedContinuation<Void, Never>) { continuation = c }
        func fire() {
            lock.lock(); let c = continuation; continuation = nil; lock.unlock()
            c?.resume()
        }
    }

    private enum Retained { nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = [] }
}

/// An error that ends ddmsh with a message and an exit code.
public struct ShellFailure: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32
    public var description: String { message }
}
