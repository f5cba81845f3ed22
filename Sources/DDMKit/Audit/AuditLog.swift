import Foundation
import Synchronization

/// One write call as the audit log keeps it: what was asked of which object, what it was before
/// and after (as the caller describes them, or the request body with every secret masked), and
/// how it ended. Never a password, token or key.
public struct AuditRecord: Codable, Sendable, Equatable {
    public var time: String
    public var profile: String?
    public var endpointHost: String
    public var project: String
    public var instance: String?
    public var operation: String
    public var target: String
    public var before: String?
    public var after: String?
    /// `ok`, `failed`, or `unknown` (sent, and the answer lost).
    public var outcome: String
    public var httpStatus: Int?
    public var errorCode: String?
    public var requestId: String?
    public var durationMs: Int
    public var attempts: Int

    enum CodingKeys: String, CodingKey {
        case time, profile, endpointHost = "endpoint_host", project, instance, operation, target, before, after, outcome
        case httpStatus = "http_status", errorCode = "error_code", requestId = "request_id", durationMs = "duration_ms", attempts
    }
}

/// What a caller knows of a write that the client does not: the instance, and the object's state
/// before and after, in words. Set around a call with `AuditContext.$current.withValue`.
public struct AuditContext: Sendable {
    public var instance: String?
    public var before: String?
    public var after: String?
    public init(instance: String? = nil, before: String? = nil, after: String? = nil) {
        self.instance = instance; self.before = before; self.after = after
    }
    @TaskLocal public static var current: AuditContext?
}

/// Where audit records go.
public protocol AuditSink: Sendable {
    func record(_ record: AuditRecord)
    /// Throws when records could not be kept: the record is part of what a write promises, so
    /// the client checks this before it sends one.
    func ensureWritable() throws
}

extension AuditSink {
    public func ensureWritable() throws {}
}

/// Appends one JSON line per record to a file that only its owner can read (0600), opened for
/// append on every record, so concurrent ddmsh processes interleave whole lines and a log that
/// is rotated away is started again. Before each write call is sent, room for its record is
/// reserved (`LineAppend.reserve`): a full disk refuses the call instead of losing its line.
public final class AuditFile: AuditSink {
    public let path: String
    private let io: LineAppend.IO
    private let warn: @Sendable (String) -> Void
    private let lock = Mutex(())
    private let warned = Mutex(false)

    /// - Parameters:
    ///   - io: the system calls records go through (a test's full disk).
    ///   - warn: where a record lost after its call was sent is said, once (stderr).
    public init(path: String, io: LineAppend.IO = .system, warn: @escaping @Sendable (String) -> Void = AuditFile.standardError) {
        self.path = path; self.io = io; self.warn = warn
    }

    @Sendable public static func standardError(_ message: String) {
        FileHandle.standardError.write(Data(("ddmsh: " + message + "\n").utf8))
    }

    /// Opens the log for append (creating it and its directory, private) and reserves room for
    /// the coming record: a log that cannot take it is said before the write is sent, not found
    /// out after it.
    public func ensureWritable() throws {
        try lock.withLock { _ in
            let fd = try openLog()
            defer { close(fd) }
            let code = io.reserve(fd, LineAppend.reservation)
            if code != 0 { throw refusal(String(cString: strerror(code))) }
        }
    }

    private func refusal(_ reason: String) -> DDMError {
        var error = DDMError.configuration("cannot write the audit log \(path): \(reason); nothing was sent (free some space, or give --audit-log PATH, or --audit-log off to keep no log)")
        error.isRecordNotKept = true
        return error
    }

    private func openLog() throws -> Int32 {
        let fd = openFile()
        guard fd >= 0 else { throw refusal(String(cString: strerror(-fd))) }
        return fd
    }

    /// The log opened for append, or minus the errno.
    private func openFile() -> Int32 {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            _ = try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                         attributes: [.posixPermissions: 0o700])
        }
        // Read as well as append: a record checks the log's last byte (`LineAppend.append`).
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        return fd >= 0 ? fd : -errno
    }

    /// The newest `limit` records of the log at `path`, oldest first; none when there is no log yet.
    /// Reads only the file's end, however long the log has grown.
    public static func newest(_ limit: Int, at path: String) throws -> [AuditRecord] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw DDMError.configuration("cannot read the audit log \(path)") }
            return []
        }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        var chunk = UInt64(64 << 10)
        var lines: [Substring] = []
        while true {
            let start = size > chunk ? size - chunk : 0
            try handle.seek(toOffset: start)
            let text = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
            lines = text.split(separator: "\n")
            if start > 0 { lines.removeFirst() }   // a line cut at the window's start
            if lines.count >= limit || start == 0 { break }
            chunk *= 4
        }
        let decoder = JSONDecoder()
        return lines.suffix(limit).compactMap { try? decoder.decode(AuditRecord.self, from: Data($0.utf8)) }
    }

    public func record(_ record: AuditRecord) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(record) else { return }
        line.append(UInt8(ascii: "\n"))
        let failure: String? = lock.withLock { _ in
            let fd = openFile()
            guard fd >= 0 else { return String(cString: strerror(-fd)) }
            defer { close(fd) }
            do { try LineAppend.append(Array(line), to: fd, ownFile: false, io: io) } catch { return "\(error)" }
            return nil
        }
        // The call was sent already: say so once, not at every later write of the run.
        if let failure, !warned.withLock({ w in defer { w = true }; return w }) {
            warn("the audit log \(path) could not be written: \(failure); \(record.operation) was sent and is not recorded there")
        }
    }
}
