/// Rows and columns a statement produces; the shell renders them as a table, JSON or CSV.
/// Cells are text as a table shows them; `kinds` says what each column holds, so JSON can give
/// numbers as numbers, lists as arrays and an empty cell as null (docs/shell.md, "JSON output").
public struct ResultTable: Sendable, Equatable {
    public var title: String?
    public var columns: [String]
    public var rows: [[String]]
    public var kinds: [ColumnKind]
    public init(title: String? = nil, columns: [String], rows: [[String]], kinds: [ColumnKind]? = nil) {
        self.title = title; self.columns = columns; self.rows = rows
        self.kinds = kinds ?? columns.map(ColumnKind.of)
    }
}

/// What a column holds, for JSON.
public enum ColumnKind: Sendable, Equatable {
    /// A string; empty is null.
    case text
    /// An integer or decimal (a percentage's `%` dropped); empty is null.
    case number
    /// Comma-separated names; `(none)` and empty are `[]`.
    case list

    /// Columns are named alike across every `show`: the kind follows the name.
    public static func of(_ column: String) -> ColumnKind {
        switch column {
        case "privileges", "schemas", "zones", "rds", "available", "jobs": .list
        case "nodes", "shards", "shard", "vcpus", "memory_gb", "ms", "rows", "seconds", "port", "progress", "writes", "http", "lifetime", "changes": .number
        default: .text
        }
    }
}

/// Where the evaluator's results go.
public protocol OutputSink: Sendable {
    func table(_ table: ResultTable) async
    func message(_ text: String) async
    /// Progress of a batch or a wait; nil clears it.
    func progress(_ text: String?) async
}

/// Turns a `SecretSource` into the secret's value at run time.
public protocol SecretResolver: Sendable {
    func resolve(_ source: SecretSource, purpose: String) throws -> String
}

extension SecretResolver {
    /// Why `source` cannot be resolved without asking anyone, or nil when it can (or would be
    /// asked for: `prompt`). The value is read and dropped at once.
    func unavailable(_ source: SecretSource) -> String? {
        switch source {
        case .prompt, .literal: return nil
        case .env, .file:
            do { _ = try resolve(source, purpose: ""); return nil } catch { return "\(error)" }
        }
    }
}

/// Resolves `env` and `file` secrets; `prompt` goes to the closure (the shell's no-echo prompt).
public struct DefaultSecretResolver: SecretResolver {
    public var environment: [String: String]
    public var prompt: @Sendable (String) throws -> String

    public init(environment: [String: String], prompt: @escaping @Sendable (String) throws -> String) {
        self.environment = environment; self.prompt = prompt
    }

    public func resolve(_ source: SecretSource, purpose: String) throws -> String {
        switch source {
        case .literal(let s, _): return s.value
        case .env(let name, _):
            guard let v = environment[name] else { throw EvaluationError("environment variable \(name) is not set") }
            guard !v.isEmpty else { throw EvaluationError("environment variable \(name) is empty") }
            return v
        case .file(let path, _):
            do {
                var text = try String(contentsOfFile: path, encoding: .utf8)
                while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
                return text
            } catch {
                throw EvaluationError("cannot read the secret file '\(path)'")
            }
        case .prompt: return try prompt(purpose)
        }
    }
}

/// A failure of the evaluator's own (not the service's), with its kind as data, so that code
/// branches on the kind and never on the wording.
public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case notFound
        case ambiguous
        case noInstance
        case timedOut
        case failed
        case other
    }
    public var kind: Kind
    public var description: String
    /// The name the failure is about, where the statement writes it: the diagnostic's marker goes
    /// under that word rather than under the whole statement.
    public var focus: String?
    public init(_ d: String, kind: Kind = .other, focus: String? = nil) { description = d; self.kind = kind; self.focus = focus }

    static func notFound(_ what: String, focus: String? = nil) -> EvaluationError { EvaluationError("\(what) does not exist", kind: .notFound, focus: focus) }
}

import Foundation
