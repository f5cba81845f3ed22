import CLibEdit
import Foundation
import Synchronization

/// SIGINT and SIGTERM (and a closed stdout, posted as SIGPIPE) for the whole process, every time.
///
/// One C handler is installed once and never replaced: while libedit reads, Ctrl-C interrupts the
/// line; at any other moment the signal is written to a pipe that a watcher thread reads, and the
/// watcher calls whoever is listening now (a running statement cancels itself). Replacing handlers
/// per statement is what made Ctrl-C work only once before: a forwarded signal could end up
/// pending on a thread that blocks it.
public enum Interruption {
    public typealias Listener = @Sendable (Int32) -> Void

    private struct State {
        var installed = false
        var listeners: [(id: Int, listener: Listener)] = []
        var nextId = 0
        /// With no listener: what a signal does (default: end the process, as without ddmsh's handler).
        var idle: Listener?
    }
    private static let state = Mutex(State())

    /// Installs the handler and the watcher (idempotent).
    public static func install() {
        let fd: Int32? = state.withLock { s in
            guard !s.installed else { return nil }
            s.installed = true
            return ddm_install_signals()
        }
        guard let fd, fd >= 0 else { return }
        let thread = Thread {
            while true {
                let sig = ddm_read_signal(fd)
                if sig < 0 { return }
                deliver(Int32(sig))
            }
        }
        thread.name = "ddmsh-signals"
        thread.start()
    }

    /// Runs a blocking read during which Ctrl-C belongs to the reader (el_gets returns EINTR);
    /// returns its result and whether a Ctrl-C came. The handler's state lives in this file's
    /// copy of the shim's statics (a debug build gives each Swift file its own), so every call
    /// that touches them is here.
    static func whileReading<T>(_ read: () -> T) -> (T, interrupted: Bool) {
        install()
        _ = ddm_take_interrupt()
        ddm_begin_reading()
        let wasBlocked = ddm_sigint_unblock()
        let result = read()
        ddm_sigint_restore(wasBlocked)
        ddm_end_reading()
        return (result, ddm_take_interrupt() != 0)
    }

    /// What a signal does while nobody listens; nil restores the default (exit 128+signal).
    public static func setIdleAction(_ action: Listener?) {
        state.withLock { $0.idle = action }
    }

    /// Runs `body` with `listener` called on every signal that arrives meanwhile (the newest
    /// listener hears it).
    public static func listening<T: Sendable>(_ listener: @escaping Listener, _ body: () async -> T) async -> T {
        install()
        let id = state.withLock { s in
            s.nextId += 1
            s.listeners.append((s.nextId, listener))
            return s.nextId
        }
        defer { state.withLock { s in s.listeners.removeAll { $0.id == id } } }
        return await body()
    }

    /// Delivers a signal the program raised itself (a closed pipe), like a real one.
    public static func post(_ signal: Int32) {
        install()
        ddm_post_signal(signal)
    }

    static func deliver(_ signal: Int32) {
        let (listener, idle) = state.withLock { ($0.listeners.last?.listener, $0.idle) }
        if let listener { listener(signal); return }
        if let idle { idle(signal); return }
        // A closed stdout is posted as SIGPIPE from the thread that wrote; the watcher may hand it
        // over only after the statement that wrote has ended and stopped listening. Ending the
        // process then would cut off the account of what that run applied, which is being
        // written now: whoever wrote already knows (StandardStreams.stdoutClosed) and ends with 141.
        if signal == SIGPIPE { return }
        // Nobody is running a statement: behave as the default disposition would.
        exit(128 + signal)
    }
}
