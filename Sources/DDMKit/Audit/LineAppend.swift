import Foundation
#if canImport(Glibc)
import Glibc
#endif

@Sendable private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    write(fd, bytes.baseAddress, bytes.count)
}

/// Whole-line appends for the files that keep what ddmsh did (the audit log, the journals): one
/// write(2) per record, its result checked, the rest of a short write written after it, and a record
/// that cannot be finished never left to glue onto the next one. A full disk is found out before
/// the call it records is sent, by reserving room first (`reserve`).
public enum LineAppend {
    /// Why a record could not be kept, in the system's words ("No space left on device").
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
        public init(_ reason: String) { self.reason = reason }
        init(errno code: Int32) { reason = String(cString: strerror(code)) }
    }

    /// The two system calls records depend on, replaceable so a test can fill the disk.
    public struct IO: Sendable {
        /// write(2): bytes written, or -1 with `errno` set.
        public var write: @Sendable (Int32, UnsafeRawBufferPointer) -> Int
        /// Room for `bytes` more past the file's end without growing it: 0, or an errno.
        public var reserve: @Sendable (Int32, Int) -> Int32

        public init(write: @escaping @Sendable (Int32, UnsafeRawBufferPointer) -> Int,
                    reserve: @escaping @Sendable (Int32, Int) -> Int32) {
            self.write = write; self.reserve = reserve
        }

        public static let system = IO(write: posixWrite,
                                      reserve: LineAppend.reserveRoom)
    }

    /// Room reserved past a file's end before a record's call is sent: more than any record takes,
    /// so the line written after the call finds its blocks already allocated.
    public static let reservation = 16 << 10

    /// Allocates `bytes` past the end of `fd` without changing its size (Linux `fallocate` with
    /// `FALLOC_FL_KEEP_SIZE`), so a disk that is full says so now, not after the call. A file system
    /// that cannot reserve (or a system without the call) is not an error: the write checks then.
    @Sendable static func reserveRoom(_ fd: Int32, _ bytes: Int) -> Int32 {
        #if os(Linux)
        guard let fallocate = fallocateCall else { return 0 }
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0 else { return errno }
        if fallocate(fd, 1 /* FALLOC_FL_KEEP_SIZE */, Int(end), bytes) == 0 { return 0 }
        let code = errno
        return code == EOPNOTSUPP || code == ENOSYS || code == EINVAL ? 0 : code
        #else
        return 0
        #endif
    }

    #if os(Linux)
    // Glibc's module map does not export fallocate(2); it is looked up once by name.
    private typealias Fallocate = @convention(c) (Int32, Int32, Int, Int) -> Int32
    private static let fallocateCall: Fallocate? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "fallocate") else { return nil }
        return unsafeBitCast(symbol, to: Fallocate.self)
    }()
    #endif

    /// Appends `line` (which ends in a newline) to `fd`, opened with O_APPEND (and O_RDWR for a
    /// shared file, whose last byte is read).
    /// - Parameter ownFile: the file has no other writer (a run's journal): a record cut short is
    ///   truncated away. A shared file (the audit log) cannot be truncated under other writers:
    ///   the fragment is closed with a newline instead, and a fragment someone else left is closed
    ///   before this record, so a record always starts a line of its own.
    public static func append(_ line: [UInt8], to fd: Int32, ownFile: Bool, io: IO = .system) throws {
        var record = line
        let end = lseek(fd, 0, SEEK_END)
        if !ownFile, end > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, end - 1) == 1, last != UInt8(ascii: "\n") { record.insert(UInt8(ascii: "\n"), at: 0) }
        }
        var written = 0
        while written < record.count {
            let n = record.withUnsafeBytes { io.write(fd, UnsafeRawBufferPointer(rebasing: $0[written...])) }
            if n > 0 { written += n; continue }
            let code = n < 0 ? errno : ENOSPC
            if n < 0, code == EINTR { continue }
            if written > 0 {
                if ownFile, end >= 0 { _ = ftruncate(fd, end) }
                else { _ = [UInt8(ascii: "\n")].withUnsafeBytes { io.write(fd, $0) } }
            }
            throw Failure(errno: code)
        }
    }
}
