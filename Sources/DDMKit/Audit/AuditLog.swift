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
    /// `ok` or `failed`.
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
/// is rotated away is started again.
public final class AuditFile: AuditSink {
    public let path: String
    private let lock = Mutex(())
    private let checked = Mutex(false)

    public init(path: String) { self.path = path }

    /// Opens the log for append once (creating it and its directory, private): a path that cannot
    /// be written is said before the first write is sent, not found out after it.
    public func ensureWritable() throws {
        if checked.withLock({ $0 }) { return }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            _ = try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                         attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw DDMError.configuration("cannot write the audit log \(path): \(reason); nothing was sent (give --audit-log PATH, or --audit-log off to keep no log)")
        }
        close(fd)
        checked.withLock { $0 = true }
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
        lock.withLock { _ in
            let directory = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return }
            defer { close(fd) }
            // One write of the whole line: appends of a line are not split between writers.
            _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }
}
