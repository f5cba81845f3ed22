import DDMSigning
import Foundation

/// Rates learned in earlier runs, one per endpoint, project and credential, in a small JSON file
/// (the shell keeps it in the user's cache directory). Keys are SHA-256 digests, so the file names
/// no endpoint, project or key, and it never holds a secret.
public struct PacingMemory: Sendable {
    public let path: String
    /// Older measurements are ignored: a limit may have changed since.
    public var maximumAge: TimeInterval = 7 * 24 * 3600

    public struct Entry: Codable, Equatable, Sendable {
        public var callsPerMinute: Double
        public var measuredAt: Double
    }

    public init(path: String) { self.path = path }

    public static func key(endpoint: String, projectId: String, identity: String) -> String {
        Digest.sha256Hex(Array("\(endpoint)\n\(projectId)\n\(identity)".utf8))
    }

    /// The learned rate in calls per minute, if fresh.
    public func rate(for key: String, now: Date = Date()) -> Double? {
        guard let entry = load()[key], entry.callsPerMinute > 0,
              now.timeIntervalSince1970 - entry.measuredAt < maximumAge else { return nil }
        return entry.callsPerMinute
    }

    /// Records a measured rate. Best effort: a cache that cannot be written costs only a re-probe.
    public func remember(_ callsPerMinute: Double, for key: String, now: Date = Date()) {
        var all = load()
        all[key] = Entry(callsPerMinute: callsPerMinute, measuredAt: now.timeIntervalSince1970)
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        guard let data = try? JSONEncoder().encode(all) else { return }
        // Written aside and renamed, so concurrent runs never read half a file.
        let temporary = path + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    public func load() -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path),
              let all = try? JSONDecoder().decode([String: Entry].self, from: data) else { return [:] }
        return all
    }
}
