import Foundation
import LineEditor
import Synchronization

/// stdout and stderr written with write(2), so a reader that went away (`ddmsh … | head`) is an
/// event, not a crash: the first EPIPE on stdout stops the running statement as a signal would
/// (the account of what was applied still goes to stderr) and later output is dropped.
public enum StandardStreams {
    private static let stdoutGone = Atomic<Bool>(false)

    /// True once a write to stdout found no reader.
    public static var stdoutClosed: Bool { stdoutGone.load(ordering: .relaxed) }

    public static func out(_ text: String) {
        guard !stdoutClosed else { return }
        if !write(1, text) {
            if !stdoutGone.exchange(true, ordering: .relaxed) { Interruption.post(SIGPIPE) }
        }
    }

    public static func err(_ text: String) { _ = write(2, text) }

    /// Writes all of `text`; false when the reader is gone (EPIPE) or the stream is unusable.
    private static func write(_ fd: Int32, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 { offset += n; continue }
                if n < 0 && errno == EINTR { continue }
                return false
            }
            return true
        }
    }
}
