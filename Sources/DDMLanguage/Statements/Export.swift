import DDMKit
import Foundation

extension StatementID {
    static let export = StatementID("export")
}

/// `export`: the current instance's schemas, accounts and parameters as a script that builds
/// them again (`Export/Exporter` writes it).
enum ExportStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.export, topic: "export", path: ["export"],
                       grammar: "export [users | schemas | parameters | all] [passwords prompt | env] [to '<file.ddm>'];",
                       example: "export all passwords env to 'ddm-prod.ddm';", words: ["users", "schemas", "all", "passwords", "prompt", "env", "to"],
                       needsInstance: true, operations: [.listSchemas, .listAccounts, .showParameters]),
    ]
    static let rules = [ParseRule("export", ExportStatement<Parsed>.parse)]
}

struct ExportStatement<P: Phase>: Sendable, Equatable {
    var scope: ExportOptions.Scope
    var passwords: ExportOptions.Passwords
    /// Stdout when nil.
    var path: P.Text?
}

extension ExportStatement: StatementSyntax where P == Parsed {
    /// export [users | schemas | parameters | all] [passwords prompt | env] [to '<file>']
    static func parse(_ p: inout Parser) throws -> Self {
        var scope = ExportOptions.Scope.all
        for s in [ExportOptions.Scope.users, .schemas, .parameters, .all] where p.match(s.rawValue) { scope = s; break }
        var passwords = ExportOptions.Passwords.prompt
        if p.match("passwords") {
            if p.match("prompt") { passwords = .prompt } else if p.match("env") { passwords = .env } else {
                throw p.failure(.expected("'prompt' or 'env'", after: "'passwords'", found: p.found))
            }
        }
        return Self(scope: scope, passwords: passwords, path: p.match("to") ? try p.stringValue("file name") : nil)
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        ExportStatement<Resolved>(scope: scope, passwords: passwords, path: try path.map { c.resolvePath(try c.scalar($0, "file name")) })
    }
}

extension ExportStatement: Step where P == Resolved {
    var id: StatementID { .export }
    var text: String { "export \(scope.rawValue) passwords \(passwords.rawValue)" + (path.map { " to \(SourceText.string($0))" } ?? "") }
    var headline: String { "export \(scope.rawValue) (passwords \(passwords.rawValue))\(path.map { " to '\($0)'" } ?? "")" }
    var calls: [PlannedCall] {
        (scope.schemas ? [PlannedCall(.listSchemas, "list schemas, every page")] : [])
            + (scope.users ? [PlannedCall(.listAccounts, "list accounts, every page, the list that shows extended privileges", extended: true)] : [])
            + (scope.parameters ? [PlannedCall(.showParameters, "list parameters")] : [])
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let client = e.client
        let schemas = scope.schemas ? try await client.allSchemas(instance: instance) : []
        // An export is the whole state: the read that shows extended privileges (v1's, under auto).
        let accounts = scope.users ? try await client.allAccounts(instance: instance, showingExtended: true) : []
        let parameters = scope.parameters ? try await client.allParameters(instance: instance) : []
        let header = Exporter.Header(instance: e.currentInstance?.name ?? instance, time: e.options.clock(), version: DDMClient.version)
        let text = Exporter.script(header, scope: scope, passwords: passwords, schemas: schemas, accounts: accounts, parameters: parameters)
        guard var path else {
            await e.sink.message(String(text.dropLast()))
            return nil
        }
        // A directory (an existing one, or a path ending in '/') takes one file per instance, named
        // after it: what a fleet's `export all to '<dir>'` writes for each of its targets.
        var isDirectory: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue) {
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            path = (path.hasSuffix("/") ? path : path + "/") + (e.currentInstance?.name ?? instance) + ".ddm"
        }
        do {
            try ExportFile.write(text, to: path)
        } catch {
            throw EvaluationError("cannot write '\(path)': \(FileErrors.reason(error))", kind: .failed)
        }
        func count(_ n: Int, _ what: String) -> String { "\(n) \(what)\(n == 1 ? "" : "s")" }
        let parts = (scope.schemas ? [count(schemas.count, "schema")] : []) + (scope.users ? [count(accounts.count, "account")] : [])
            + (scope.parameters ? [count(parameters.filter { !$0.isReadOnly }.count, "parameter")] : [])
        await e.sink.message("exported " + ListFormat.and(parts) + " to \(path)")
        return nil
    }
}
