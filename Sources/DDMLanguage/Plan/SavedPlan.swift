import Foundation

/// A reviewed dry run, kept to be applied exactly (`ddmsh --dry-run --plan-out f.plan`, then
/// `ddmsh apply f.plan`): the statements that would write, the writes each would make, and every
/// read the dry run made, with the service's answer, as the state those writes were computed from.
/// No secret: a statement says where its secret comes from (`password env NAME`), never the secret.
/// Versioned JSON, documented in docs/shell.md ("Saved plans").
public struct SavedPlan: Codable, Sendable, Equatable {
    public static let format = "ddmsh plan"
    public static let currentVersion = 1

    public struct Instance: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
    }

    /// A statement that would write, as source that compiles back to it, and its writes as the
    /// dry run said them ("would …").
    public struct Statement: Codable, Sendable, Equatable {
        public var statement: String
        /// Where the script has it: `file:line:column`.
        public var at: String
        public var writes: [String]
        /// Indexes into `reads` of the reads made while it ran in the dry run.
        public var reads: [Int]
    }

    /// A read of the dry run: the request, and the answer's status and body.
    public struct Read: Codable, Sendable, Equatable {
        public var method: String
        public var path: String
        public var query: [[String]]
        public var status: Int
        /// The answer, for a status below 300; nil otherwise (only the status is compared).
        public var body: JSONValue?
    }

    public var format: String
    public var version: Int
    public var created: String
    public var ddmsh: String
    /// The endpoint as journals name it (`local:<state file>` for the local service).
    public var endpoint: String
    public var project: String
    public var instance: Instance?
    /// The script the plan came from, for the reader.
    public var source: String
    public var statements: [Statement]
    public var reads: [Read]

    /// Every write, in order.
    public var writes: [String] { statements.flatMap(\.writes) }

    /// The plan as the file holds it: JSON, keys sorted, so two plans of one state diff cleanly.
    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self) + Data("\n".utf8)
    }

    /// Writes the file readable by its owner alone (0600), created that way rather than narrowed
    /// after: the answers it keeps describe the instance's accounts.
    public func write(to path: String) throws {
        let data = try encoded()
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw SavedPlanError("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        let ok = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        fchmod(fd, 0o600)
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw SavedPlanError("cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    /// Reads a plan file, or says why it is not one ddmsh can apply.
    public static func load(_ path: String) throws -> SavedPlan {
        guard let data = FileManager.default.contents(atPath: path) else { throw SavedPlanError("cannot read '\(path)'") }
        struct Head: Decodable { var format: String?; var version: Int? }
        guard let head = try? JSONDecoder().decode(Head.self, from: data), head.format == format else {
            throw SavedPlanError("'\(path)' is not a ddmsh plan ('ddmsh --dry-run --plan-out <file>' writes one)")
        }
        guard head.version == currentVersion else {
            throw SavedPlanError("'\(path)' is a plan of version \(head.version.map(String.init) ?? "?"); this ddmsh applies version \(currentVersion)")
        }
        do { return try JSONDecoder().decode(SavedPlan.self, from: data) } catch {
            throw SavedPlanError("'\(path)' is a damaged plan: \(error)")
        }
    }

    /// The statements as a script, to compile and run again.
    public var script: String { statements.map { $0.statement + ";" }.joined(separator: "\n") + (statements.isEmpty ? "" : "\n") }
}

public struct SavedPlanError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
