import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Batches of ddmsh processes on one machine that write to the same instance take turns, from the
/// batch's read of the accounts to its last check (flock(2) on a file per instance beside the
/// journals): the second reads what the first wrote, so neither undoes the other. Runs on other
/// machines are left to the batch's check and merge after writing (`BatchRunner.remerge`).
final class BatchLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }

    /// Waits for the instance's lock; `waiting` is called once if it is not free at once. Nil when
    /// the lock file cannot be made (a read-only directory): the check after writing still runs.
    static func acquire(directory: String, instance: String, waiting: @Sendable () async -> Void) async throws -> BatchLock? {
        let dir = directory + "/locks"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let safe = String(instance.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
        let fd = open(dir + "/" + safe + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        var said = false
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { close(fd); return nil }
            if !said { said = true; await waiting() }
            do { try await Task.sleep(for: .milliseconds(50)) } catch { close(fd); throw error }
        }
        return BatchLock(fd: fd)
    }
}
