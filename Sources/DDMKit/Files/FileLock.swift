import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock between processes (flock(2) on a `.lock` file beside the one it guards), held
/// while a small local file is read, merged and written back: two ddmsh processes that learn
/// something at the same time both keep it, instead of the last writer's copy winning.
public enum FileLock {
    /// Runs `body` holding the lock for `path`. A lock that cannot be taken (a read-only
    /// directory) runs `body` unlocked: these files are conveniences, never worth failing a run.
    public static func withLock<T>(_ path: String, _ body: () throws -> T) rethrows -> T {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                                         attributes: [.posixPermissions: 0o700]) }
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return try body() }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0, errno == EINTR {}
        defer { _ = flock(fd, LOCK_UN) }
        return try body()
    }

    /// Replaces `path` with `data` atomically (written aside, then renamed), private to its owner.
    @discardableResult
    public static func replace(_ path: String, with data: Data) -> Bool {
        let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else { return false }
        if rename(temporary, path) != 0 { unlink(temporary); return false }
        return true
    }
}
