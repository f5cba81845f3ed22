import DDMKit
import Foundation
import Synchronization

/// What a run changed, written before each write so that `undo` can take the run back, even
/// when it was killed between two writes. One JSON-lines file per run that wrote, under the
/// user's state directory; a run that only reads leaves none.
///
/// Each write is an `intent` line, flushed to disk (fsync) before the call, with the object's
/// state before; a `done` line follows the call. An intent with no `done` may or may not have
/// been applied: undo restores its before-state either way, which is safe because restoring is
/// idempotent.
public final class Journal: Sendable {
    public struct Header: Codable, Sendable, Equatable {
        public var run: String
        public var time: String
        public var endpoint: String
        public var project: String
        public var instance: String?
        public var instanceName: String?
        public var undoes: String?
        /// The fleet run it is one target of (`on instances … { … }`): undo takes them back together.
        public var fleet: String? = nil
        /// The profile its connection came from, when one did: undo of a fleet across regions
        /// reaches each region's runs through it.
        public var profile: String? = nil
    }

    /// An account as it was: enough to restore it with `grant exactly`.
    public struct AccountState: Codable, Sendable, Equatable {
        public var privileges: [String]
        public var schemas: [String]
        public var comment: String
        public init(privileges: [String], schemas: [String], comment: String) {
            self.privileges = privileges; self.schemas = schemas; self.comment = comment
        }
    }

    public enum Entry: Codable, Sendable, Equatable {
        case modifyAccount(name: String, before: AccountState)
        case createAccount(name: String)
        case dropAccount(name: String, before: AccountState)
        case createSchema(name: String)
        case dropSchema(name: String)
        /// Parameters of an instance (by id), with their values before.
        case setParameters(instance: String, before: [String: String])
        /// Any other change to an instance (by id): what it was, and the statement that reverses
        /// it when there is one (`alter instance <id> set port 5066;`), nil when there is none.
        /// `readOnly`: the read-only state the change set, which DDM's API does not report back
        /// (`show instance` shows the last one ddmsh set, from here). `readWeights`: the read
        /// weights the change set, which no call reads back either (`show read weights`).
        case instanceChange(instance: String, description: String, inverse: String?, readOnly: Bool? = nil, readWeights: [String: Int]? = nil)
    }

    public struct Line: Codable, Sendable, Equatable {
        public var header: Header?
        public var seq: Int?
        public var intent: Entry?
        public var done: Bool?
    }

    public let directory: String
    public let runId: String
    private let header: Header
    private let state = Mutex<(fd: Int32, seq: Int)>((-1, 0))
    private let io: LineAppend.IO

    /// - Parameter io: the system calls lines go through (a test's full disk).
    public init(directory: String, header: Header, io: LineAppend.IO = .system) {
        self.directory = directory; self.runId = header.run; self.header = header; self.io = io
    }

    public var path: String { directory + "/" + runId + ".jsonl" }

    /// Sorts in the order runs started: time to the millisecond, then a counter for runs of one
    /// process in the same millisecond, then the process id.
    public static func newRunId(now: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss.SSS"
        let n = counter.withLock { c in c += 1; return c }
        return f.string(from: now) + "-" + String(format: "%04d", n % 10000) + "-" + String(ProcessInfo.processInfo.processIdentifier)
    }
    private static let counter = Mutex(0)

    /// Records a write about to be made; returns its number for `done`. The line is on disk when
    /// this returns.
    @discardableResult
    public func intent(_ entry: Entry) throws -> Int {
        try state.withLock { s in
            if s.fd < 0 {
                _ = try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                             attributes: [.posixPermissions: 0o700])
                let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
                guard fd >= 0 else {
                    throw JournalError("cannot keep this run's journal in \(directory): \(String(cString: strerror(errno))); nothing was sent (set DDMSH_JOURNAL_DIR or XDG_STATE_HOME to a directory you can write)")
                }
                do { try append(fd, Line(header: header)) } catch {
                    // A journal without its header names no run: start it again at the next write.
                    close(fd)
                    unlink(path)
                    throw error
                }
                s.fd = fd
                Self.prune(directory, keeping: Self.kept)
            }
            // Room for this intent and its `done` line, or a full disk stops the write before it
            // is sent rather than leaving an intent that never closes.
            let code = io.reserve(s.fd, 4096)
            if code != 0 {
                throw JournalError("cannot write the journal \(path): \(String(cString: strerror(code))); nothing was sent (free some space, or set DDMSH_JOURNAL_DIR to a directory you can write)")
            }
            try append(s.fd, Line(seq: s.seq + 1, intent: entry))
            s.seq += 1
            return s.seq
        }
    }

    /// A write that ended in `error`: marked failed when it certainly changed nothing (undo leaves
    /// it alone), left open when its outcome is unknown (undo takes it back as if made).
    public func failed(_ seq: Int, _ error: Error) {
        if (error as? DDMError)?.certainlyNotApplied == true { done(seq, ok: false) }
    }

    public func done(_ seq: Int, ok: Bool) {
        state.withLock { s in
            guard s.fd >= 0 else { return }
            try? append(s.fd, Line(seq: seq, done: ok))
        }
    }

    deinit {
        state.withLock { s in if s.fd >= 0 { close(s.fd) } }
    }

    /// One whole line, on disk (fsync) when this returns; a line that cannot be finished is taken
    /// back off the file, so the next one never glues onto it.
    private func append(_ fd: Int32, _ line: Line) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(line)
        data.append(UInt8(ascii: "\n"))
        do {
            try LineAppend.append(Array(data), to: fd, ownFile: true, io: io)
        } catch {
            throw JournalError("cannot write the journal \(path): \(error); nothing was sent (free some space, or set DDMSH_JOURNAL_DIR to a directory you can write)")
        }
        guard fsync(fd) == 0 else {
            throw JournalError("cannot write the journal \(path): \(String(cString: strerror(errno))); nothing was sent")
        }
    }

    /// Runs kept for undo; older journals are removed when a new one starts.
    public static let kept = 200

    /// The journal files of a directory, oldest first (their names sort as their runs started).
    static func journalFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".jsonl") }.sorted()
    }

    static func prune(_ directory: String, keeping: Int) {
        let files = journalFiles(directory)
        for old in files.dropLast(keeping) { try? FileManager.default.removeItem(atPath: directory + "/" + old) }
    }

    // MARK: reading

    /// A run as its journal file tells it.
    public struct Run: Sendable, Equatable {
        public var header: Header
        /// Intents in the order made, with whether each was confirmed.
        public var writes: [(entry: Entry, done: Bool?)]
        public static func == (a: Run, b: Run) -> Bool {
            a.header == b.header && a.writes.map(\.entry) == b.writes.map(\.entry) && a.writes.map(\.done) == b.writes.map(\.done)
        }
    }

    public static func runs(in directory: String) -> [Run] { scan(directory).runs }

    /// Every journal in the directory: the runs read, oldest first, and the files that could not be
    /// read (a damaged journal is reported, never skipped in silence), by run id.
    public static func scan(_ directory: String) -> (runs: [Run], unreadable: [String]) {
        let files = journalFiles(directory)
        var runs: [Run] = []
        var unreadable: [String] = []
        for file in files {
            if let run = load(directory + "/" + file) { runs.append(run) } else { unreadable.append(String(file.dropLast(".jsonl".count))) }
        }
        return (runs.sorted { $0.header.run < $1.header.run }, unreadable)
    }

    /// The read-only state ddmsh last set on an instance, and when: DDM's API reports none.
    /// Reads journals newest first and stops at the first answer: `show instance` should not
    /// parse every journal kept.
    public static func lastReadOnly(instance: String, in directory: String) -> (on: Bool, time: String)? {
        for file in journalFiles(directory).reversed() {
            guard let run = load(directory + "/" + file) else { continue }
            for write in run.writes.reversed() where write.done == true {
                if case .instanceChange(let id, _, _, let on?, _) = write.entry, id == instance { return (on, run.header.time) }
            }
        }
        return nil
    }

    /// The read weights ddmsh last set on the instance, each data node's newest, with when.
    public static func lastReadWeights(instance: String, in directory: String) -> [(rds: String, weight: Int, time: String)] {
        var found: [String: (Int, String)] = [:]
        for file in journalFiles(directory).reversed() {
            guard let run = load(directory + "/" + file) else { continue }
            for write in run.writes.reversed() where write.done == true {
                guard case .instanceChange(let id, _, _, _, let weights?) = write.entry, id == instance else { continue }
                for (rds, weight) in weights where found[rds] == nil { found[rds] = (weight, run.header.time) }
            }
        }
        return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1) }
    }

    public static func load(_ path: String) -> Run? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var header: Header?
        var writes: [(Entry, Bool?)] = []
        var index: [Int: Int] = [:]
        for raw in text.split(separator: "\n") {
            // A line cut short by a crash is skipped; everything before it stands.
            guard let line = try? JSONDecoder().decode(Line.self, from: Data(raw.utf8)) else { continue }
            if let h = line.header { header = h }
            if let seq = line.seq, let entry = line.intent { index[seq] = writes.count; writes.append((entry, nil)) }
            if let seq = line.seq, let done = line.done, let i = index[seq] { writes[i].1 = done }
        }
        return header.map { Run(header: $0, writes: writes) }
    }
}

public struct JournalError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
