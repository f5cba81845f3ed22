import DDMKit
import Foundation

/// An instance's schemas and accounts as a `.ddm` script that recreates them: idempotent desired
/// state (`create … if not exists`, then `grant exactly`), so applying it to the instance it came
/// from changes nothing. Pure: the evaluator reads, this writes text.
///
/// Stable for diffs: one statement a line, schemas and accounts sorted by name, privileges in
/// DDM's order, and the only line that changes between two exports of the same state is the
/// header's first.
public enum Exporter {
    public struct Header: Sendable {
        public var instance: String
        public var time: Date
        public var version: String
        public init(instance: String, time: Date, version: String) { self.instance = instance; self.time = time; self.version = version }
    }

    /// The environment variable an exported script reads an account's password from:
    /// `DDM_PASSWORD_` and the name in upper case.
    public static func passwordVariable(account: String) -> String { "DDM_PASSWORD_" + account.uppercased() }
    /// The RDS administrator's password for schemas: one variable, `DDM_RDS_PASSWORD`.
    public static let rdsPasswordVariable = "DDM_RDS_PASSWORD"

    public static func script(_ header: Header, scope: ExportOptions.Scope, passwords: ExportOptions.Passwords,
                              schemas: [Schema], accounts: [Account], parameters: [Parameter] = []) -> String {
        let time = ISO8601DateFormatter().string(from: header.time)
        var lines = [
            "-- ddmsh export of instance \(header.instance) (\(scope.rawValue)) at \(time) by ddmsh \(header.version)",
            "-- Desired state: applying it again changes nothing; 'ddmsh --dry-run --detailed-exitcode' reports drift.",
        ]
        if passwords == .env {
            lines.append("-- Passwords cannot be read back from DDM: a new account's comes from DDM_PASSWORD_<ACCOUNT>, RDS admin's from \(rdsPasswordVariable).")
        } else {
            lines.append("-- Passwords cannot be read back from DDM: ddmsh asks for each one it needs.")
        }
        // What an export is not, said where the reader of the file will see it.
        lines.append("-- Not exported: passwords, the instance's own settings (flavor, nodes, port, SSL, read-only, EIP, security group), schemas' shard layout once they exist, and their data.")
        if scope.parameters, let line = parameterLine(parameters) { lines.append(line) }
        if scope.schemas {
            for s in schemas.sorted(by: { $0.name < $1.name }) { lines.append(schemaLine(s, passwords: passwords)) }
        }
        if scope.users {
            // Every create first, then every grant: consecutive grants are one batch when applied
            // (one read of the account list, one write per account that differs), not one each.
            let blocks = accounts.sorted(by: { $0.name < $1.name }).map { accountLines($0, passwords: passwords) }
            lines += blocks.map { $0[0] } + blocks.flatMap { $0.dropFirst() }
            // Accounts added outside this file show up as drift; add 'drop undeclared' to remove them.
            lines.append("declare users complete;")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every parameter the instance lets one set, at its current value, in one statement: applied,
    /// it changes only those that differ (and says which need a restart).
    static func parameterLine(_ all: [Parameter]) -> String? {
        let settable = all.filter { !$0.isReadOnly && $0.value != nil }.sorted { $0.name < $1.name }
        guard !settable.isEmpty else { return nil }
        return SetParameters<Resolved>(settings: settable.map { ParameterSetting(name: $0.name, value: $0.value ?? "", range: .generated) },
                                       instance: nil).text + ";"
    }

    // Each line is a statement value printed by its own printer, so that what export writes is
    // what the parser reads back.
    static func schemaLine(_ s: Schema, passwords: ExportOptions.Passwords) -> String {
        let secret: SecretSource = passwords == .env ? .env(rdsPasswordVariable, .generated) : .prompt(.generated)
        return CreateSchema<Resolved>(name: s.name, ifNotExists: true, shards: s.shardNumber ?? 1,
                                      mode: s.shardMode.flatMap(ShardMode.init(rawValue:)) ?? .cluster,
                                      rds: (s.usedRds ?? []).map { $0.name ?? $0.id }, adminUser: "root", adminPassword: secret, wait: false).text + ";"
    }

    static func accountLines(_ a: Account, passwords: ExportOptions.Passwords) -> [String] {
        let state = BatchPlanner.State(a)
        let known = state.privileges.known, unknown = state.privileges.unknown
        let secret: SecretSource = passwords == .env ? .env(passwordVariable(account: a.name), .generated) : .prompt(.generated)
        // An account with no privilege (as `revoke ALL` leaves it) is `grant exactly none`, so that
        // recreating it does not give it the SELECT a new account starts with, and keeps its schemas.
        let exact = Change.exactly(known, on: state.schemas.sorted(), to: a.name, comment: state.comment.isEmpty ? nil : state.comment)
        var lines = [CreateUser<Resolved>(name: a.name, ifNotExists: true, password: secret).text + ";", exact.sourceText + ";"]
        if !unknown.isEmpty { lines.append("-- \(a.name) also has \(unknown.words.joined(separator: ", ")), which ddmsh keeps but cannot grant") }
        return lines
    }
}

/// "a, b and c".
enum ListFormat {
    static func and(_ items: [String]) -> String { joined(items, "and") }
    static func or(_ items: [String]) -> String { joined(items, "or") }
    private static func joined(_ items: [String], _ word: String) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " \(word) " + items.last!
    }
}
