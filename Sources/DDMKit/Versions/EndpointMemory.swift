import DDMSigning
import Foundation

/// What one run learned about an endpoint, kept for the next in a small JSON file (the shell keeps
/// it in the user's cache directory): the rate the gateway lets through, per endpoint, project and
/// credential, and the operations the endpoint serves only through their older call. Keys are
/// SHA-256 digests, so the file names no endpoint, project or key, and it never holds a secret.
public struct EndpointMemory: Sendable {
    public let path: String
    /// Older facts are ignored: a region may have gained v3.
    public var maximumAge: TimeInterval = 7 * 24 * 3600
    /// A learned rate is a hint for the next runs of the day, not a fact: a limit may have been
    /// raised, or another tool that shared the budget may have stopped.
    public var rateAge: TimeInterval = 24 * 3600

    public struct Entry: Codable, Equatable, Sendable {
        public var callsPerMinute: Double?
        public var measuredAt: Double?
        /// `DDMOperationID` raw value → when the gateway said its v3 call does not exist.
        public var olderAPI: [String: Double]?
        /// `DDMOperationID` raw value → when the gateway said its older call does not exist
        /// (v1's account list, asked for the extended privileges only it shows).
        public var noOlderAPI: [String: Double]?
    }

    public init(path: String) { self.path = path }

    /// The key of a learned rate.
    public static func key(endpoint: String, projectId: String, identity: String) -> String {
        Digest.sha256Hex(Array("\(endpoint)\n\(projectId)\n\(identity)".utf8))
    }

    /// The key of what an endpoint serves: the same for every project and credential.
    public static func apiKey(endpoint: String) -> String {
        Digest.sha256Hex(Array("api\n\(endpoint)".utf8))
    }

    /// The learned rate in calls per minute, if fresh. `entries`: the file as already loaded.
    public func rate(for key: String, in entries: [String: Entry]? = nil, now: Date = Date()) -> Double? {
        learned(for: key, in: entries, now: now)?.callsPerMinute
    }

    /// The learned rate in calls per minute and how old it is (seconds), if fresh.
    public func learned(for key: String, in entries: [String: Entry]? = nil, now: Date = Date()) -> (callsPerMinute: Double, age: TimeInterval)? {
        guard let entry = (entries ?? load())[key], let rate = entry.callsPerMinute, rate > 0, let at = entry.measuredAt else { return nil }
        let age = now.timeIntervalSince1970 - at
        return age < rateAge && age > -60 ? (rate, max(0, age)) : nil
    }

    /// Records a measured rate. Best effort: a cache that cannot be written costs only a re-probe.
    public func remember(_ callsPerMinute: Double, for key: String, now: Date = Date()) {
        update(key, now: now) { $0.callsPerMinute = callsPerMinute; $0.measuredAt = now.timeIntervalSince1970 }
    }

    /// Operations learned (and still fresh) to need the older call at this endpoint.
    public func olderOnly(for key: String, in entries: [String: Entry]? = nil, now: Date = Date()) -> Set<DDMOperationID> {
        let fresh = ((entries ?? load())[key]?.olderAPI ?? [:]).filter { now.timeIntervalSince1970 - $0.value < maximumAge }
        return Set(fresh.keys.compactMap(DDMOperationID.init(rawValue:)))
    }

    public func rememberOlderOnly(_ id: DDMOperationID, for key: String, now: Date = Date()) {
        update(key, now: now) { $0.olderAPI = ($0.olderAPI ?? [:]).merging([id.rawValue: now.timeIntervalSince1970]) { $1 } }
    }

    /// Operations learned (and still fresh) to have no older call at this endpoint.
    public func withoutOlder(for key: String, in entries: [String: Entry]? = nil, now: Date = Date()) -> Set<DDMOperationID> {
        let fresh = ((entries ?? load())[key]?.noOlderAPI ?? [:]).filter { now.timeIntervalSince1970 - $0.value < maximumAge }
        return Set(fresh.keys.compactMap(DDMOperationID.init(rawValue:)))
    }

    public func rememberNoOlder(_ id: DDMOperationID, for key: String, now: Date = Date()) {
        update(key, now: now) { $0.noOlderAPI = ($0.noOlderAPI ?? [:]).merging([id.rawValue: now.timeIntervalSince1970]) { $1 } }
    }

    private func update(_ key: String, now date: Date, _ change: (inout Entry) -> Void) {
        let now = date.timeIntervalSince1970
        // Read, merged and written under a lock: a fact another process wrote since this one
        // started is kept, not overwritten by this process's older copy.
        FileLock.withLock(path) {
            // Facts past their age are dropped as the file is written, so it does not grow for ever.
            var all = load().filter { _, e in
                let times = [e.measuredAt].compactMap { $0 } + Array((e.olderAPI ?? [:]).values) + Array((e.noOlderAPI ?? [:]).values)
                return times.contains { now - $0 < maximumAge }
            }
            var entry = all[key] ?? Entry()
            change(&entry)
            all[key] = entry
            guard let data = try? JSONEncoder().encode(all) else { return }
            // Renamed into place, so a reader never sees half a file.
            FileLock.replace(path, with: data)
        }
    }

    public func load() -> [String: Entry] {
        guard let data = FileManager.default.contents(atPath: path),
              let all = try? JSONDecoder().decode([String: Entry].self, from: data) else { return [:] }
        return all
    }
}
