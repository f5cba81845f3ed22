import DDMKit
import Foundation

extension StatementID {
    static let showSQLBlacklist = StatementID("showSQLBlacklist"), setSQLBlacklist = StatementID("setSQLBlacklist")
    static let unbindSchema = StatementID("unbindSchema")
    static let exportSchemaMetadata = StatementID("exportSchemaMetadata"), importSchemaMetadata = StatementID("importSchemaMetadata")
}

/// A schema's SQL blacklist, unbinding a schema, and the instance's schema metadata to and from
/// a file (docs/language.md, "Schema extras"). v3 only.
enum SchemaExtraStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showSQLBlacklist, topic: "schema extras", path: ["show", "sql", "blacklist", "for"],
                       grammar: "show sql blacklist for <s>;  (statements the schema refuses: by prefix, full text, regular expression)",
                       example: "show sql blacklist for orders;",
                       needsInstance: true, operations: [.showSQLBlacklist]),
        StatementEntry(.setSQLBlacklist, topic: "schema extras", path: ["alter", "schema"],
                       grammar: "alter schema <s> set sql blacklist [prefix (<sql>, …)] [full (<sql>, …)] [regex (<re>, …)] | none;  (kinds named are replaced, the others kept; asks in the REPL)",
                       example: "alter schema orders set sql blacklist prefix ('DROP TABLE', 'TRUNCATE') regex ('^delete from \\w+$');",
                       words: ["set", "sql", "blacklist", "prefix", "full", "regex", "none"],
                       needsInstance: true, operations: [.showSQLBlacklist, .modifySQLBlacklist]),
        StatementEntry(.unbindSchema, topic: "schema extras", path: ["alter", "schema"],
                       grammar: "alter schema <s> unbind;  (the schema leaves the instance; its data stays on its data nodes; asks in the REPL)",
                       example: "alter schema archive unbind;", words: ["unbind"],
                       needsInstance: true, operations: [.unbindSchema]),
        StatementEntry(.exportSchemaMetadata, topic: "schema extras", path: ["export", "schema", "metadata"],
                       grammar: "export schema metadata to '<file>';  (every schema's metadata and the data nodes it names, as DDM gives it)",
                       example: "export schema metadata to 'orders-meta.json';", words: ["to"],
                       needsInstance: true, operations: [.downloadSchemaMetadata]),
        StatementEntry(.importSchemaMetadata, topic: "schema extras", path: ["import", "schema", "metadata"],
                       grammar: "import schema metadata from '<file>' [admin user <u> password <secret>];  (creates the file's schemas; the data nodes' administrator, root and $DDM_RDS_PASSWORD unless given)",
                       example: "import schema metadata from 'orders-meta.json' admin user root password env DDM_RDS_PASSWORD;",
                       words: ["from", "admin", "user", "password", "prompt", "env", "file"],
                       slots: ["user <u>": .unlisted], needsInstance: true, operations: [.uploadSchemaMetadata]),
    ]

    static let alterClauses = [
        AlterSchemaClauses.Clause(words: ["set"], parse: SetSQLBlacklist<Parsed>.parse),
        AlterSchemaClauses.Clause(words: ["unbind"], parse: { schema, p in
            try p.expect("unbind", "after the schema")
            return UnbindSchema<Parsed>(schema: schema)
        }),
    ]

    static let rules = [
        AlterSchemaClauses.rule,
        showBlacklist.rule,
        ParseRule("export schema metadata", { p in
            try p.expect("to", "after 'export schema metadata'")
            return SchemaMetadataFile<Parsed>(export: true, path: try p.stringValue("file name"), user: nil, password: nil)
        }),
        ParseRule("import schema metadata", { p in
            try p.expect("from", "after 'import schema metadata'")
            let path = try p.stringValue("file name")
            var user: Expr?, password: SecretSource?
            if p.match("admin") {
                try p.expect("user", "after 'admin'")
                user = try p.name("administrator of the data nodes")
                try p.expect("password", "after the administrator")
                password = try p.secret()
            }
            // Without an administrator given, ddmsh uses root and DDM_RDS_PASSWORD: checked before the run.
            if password == nil { password = p.implicitSecret(Exporter.rdsPasswordVariable, at: path.range) }
            return SchemaMetadataFile<Parsed>(export: false, path: path, user: user, password: password)
        }),
    ]
}

// MARK: show sql blacklist

extension SchemaExtraStatements {
    /// show sql blacklist for <s>
    static let showBlacklist = NameStatementForm(.showSQLBlacklist, "show sql blacklist for", noun: "schema name", reading: .schema,
                                                 calls: { schema, _ in [PlannedCall(.showSQLBlacklist, "the schema's SQL blacklist", object: schema)] }) { e, s in
        let list = try await e.client.sqlBlacklist(instance: try await e.instanceId(), schema: s.name)
        await e.sink.table(SQLBlacklistTable.of(list))
        return nil
    }
}

enum SQLBlacklistTable {
    static func of(_ list: SQLBlacklist) -> ResultTable {
        ResultTable(columns: ["kind", "statement"], rows: list.prefix.map { ["prefix", $0] } + list.full.map { ["full", $0] } + list.regex.map { ["regex", $0] })
    }
}

// MARK: alter schema … set sql blacklist

struct SetSQLBlacklist<P: Phase>: Sendable, Equatable {
    var schema: P.Text
    /// nil: that kind stays as it is; `none` gives all three as empty lists.
    var prefix: P.Texts?
    var full: P.Texts?
    var regex: P.Texts?
}

extension SetSQLBlacklist: StatementSyntax where P == Parsed {
    /// alter schema <s> set sql blacklist [prefix (…)] [full (…)] [regex (…)] | none
    static func parse(schema: Expr, _ p: inout Parser) throws -> any StatementSyntax {
        try p.expect("set", "after the schema")
        try p.expect("sql", "after 'set'")
        try p.expect("blacklist", "after 'set sql'")
        if p.match("none") {
            let empty = Expr.list([], p.previousRange)
            return Self(schema: schema, prefix: empty, full: empty, regex: empty)
        }
        var out = Self(schema: schema)
        var seen: Set<String> = []
        while true {
            if p.match("prefix") { try p.once("prefix", &seen); out.prefix = try p.item("statements refused by prefix") }
            else if p.match("full") { try p.once("full", &seen); out.full = try p.item("statements refused as a whole") }
            else if p.match("regex") { try p.once("regex", &seen); out.regex = try p.item("regular expressions") }
            else { break }
        }
        guard out.prefix != nil || out.full != nil || out.regex != nil else {
            throw p.failure(.expected("prefix (…), full (…), regex (…) or none", after: "'set sql blacklist'", found: p.found))
        }
        return out
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        func items(_ e: Expr?, regex: Bool = false) throws -> [String]? {
            guard let e else { return nil }
            let list = try c.strings(e).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            for item in list {
                if item.isEmpty { throw Compiler.Failure(.schema(.blacklistEntryEmpty), range: e.range) }
                // The wire joins a kind's entries with ';' (SQLBlacklist.separator).
                if item.contains(";") { throw Compiler.Failure(.schema(.blacklistEntrySemicolon(item)), range: e.range) }
                if regex, (try? NSRegularExpression(pattern: item)) == nil {
                    throw Compiler.Failure(.schema(.notRegularExpression(item)), range: e.range)
                }
            }
            // "cannot exceed 1 KB, respectively" (user guide, "Configuring the SQL Blacklist").
            let bytes = list.joined(separator: SQLBlacklist.separator).utf8.count
            if bytes > 1024 { throw Compiler.Failure(.schema(.blacklistTooLarge(bytes: bytes)), range: e.range) }
            return list
        }
        return SetSQLBlacklist<Resolved>(schema: try c.schemaName(schema), prefix: try items(prefix), full: try items(full), regex: try items(regex, regex: true))
    }
}

extension SetSQLBlacklist: Step where P == Resolved {
    var id: StatementID { .setSQLBlacklist }
    var text: String {
        let s = "alter schema \(SourceText.name(schema)) set sql blacklist"
        if prefix == [], full == [], regex == [] { return s + " none" }
        return s + [("prefix", prefix), ("full", full), ("regex", regex)].compactMap { kind, items in
            items.map { " \(kind) (\($0.map(SourceText.string).joined(separator: ", ")))" }
        }.joined()
    }
    var calls: [PlannedCall] {
        [PlannedCall(.showSQLBlacklist, "the blacklist now (what changes, and undo's)", object: schema),
         PlannedCall(.modifySQLBlacklist, "set the whole blacklist", object: schema)]
    }

    func merged(into now: SQLBlacklist) -> SQLBlacklist {
        SQLBlacklist(prefix: prefix ?? now.prefix, full: full ?? now.full, regex: regex ?? now.regex)
    }

    /// What the change adds and removes, kind by kind (`+ prefix 'DROP'`, `- full '…'`).
    static func changes(from a: SQLBlacklist, to b: SQLBlacklist) -> [String] {
        [("prefix", a.prefix, b.prefix), ("full", a.full, b.full), ("regex", a.regex, b.regex)].flatMap { kind, old, new in
            old.filter { !new.contains($0) }.map { "- \(kind) \(SourceText.string($0))" } + new.filter { !old.contains($0) }.map { "+ \(kind) \(SourceText.string($0))" }
        }
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let client = e.client
        let before = try await client.sqlBlacklist(instance: instance, schema: schema)
        let after = merged(into: before)
        let changes = Self.changes(from: before, to: after)
        guard !changes.isEmpty else {
            await e.sink.message("the SQL blacklist of \(schema) is already so; nothing to change")
            return nil
        }
        for line in changes { await e.sink.message("  \(line)") }
        let schema = schema
        let undo = SetSQLBlacklist(schema: schema, prefix: before.prefix, full: before.full, regex: before.regex)
        let summary = "set the SQL blacklist of \(schema) (\(changes.count) change\(changes.count == 1 ? "" : "s"))"
        let write = Write(summary: summary, question: "\(summary)? Statements it lists are refused on \(schema) from then on",
                          journal: .change(instance, "set the SQL blacklist of \(schema)", undo: undo)) {
            try await client.setSQLBlacklist(instance: instance, schema: schema, after)
        }
        return try await e.perform(write, done: "set the SQL blacklist of \(schema)")
    }
}

// MARK: alter schema … unbind

struct UnbindSchema<P: Phase>: Sendable, Equatable {
    var schema: P.Text
}

extension UnbindSchema: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { UnbindSchema<Resolved>(schema: try c.schemaName(schema)) }
}

extension UnbindSchema: Step where P == Resolved {
    var id: StatementID { .unbindSchema }
    var text: String { "alter schema \(SourceText.name(schema)) unbind" }
    var calls: [PlannedCall] { [PlannedCall(.unbindSchema, "unbind schema", object: schema)] }
    var question: String? { "unbind \(schema)? It leaves this instance and every account's schema list; its data stays on its data nodes" }
    var schemaEffect: SchemaEffect { .drops(schema) }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let client = e.client, schema = schema
        let write = Write(summary: "unbind schema \(schema)", question: question,
                          journal: .change(instance, "unbound schema \(schema) (its data stays on its data nodes; 'import schema metadata' brings it back)")) {
            try await client.unbindSchema(instance: instance, schema: schema)
            return true
        }
        return try await e.perform(write, done: "unbound schema \(schema)")
    }
}

// MARK: export / import schema metadata

struct SchemaMetadataFile<P: Phase>: Sendable, Equatable {
    var export: Bool
    var path: P.Text
    var user: P.Text?
    var password: SecretSource?
}

extension SchemaMetadataFile: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        SchemaMetadataFile<Resolved>(export: export, path: c.resolvePath(try c.scalar(path, "file name")),
                                     user: try user.map { try c.scalar($0, "administrator") }, password: password)
    }
}

extension SchemaMetadataFile: Step where P == Resolved {
    var id: StatementID { export ? .exportSchemaMetadata : .importSchemaMetadata }
    var text: String {
        export ? "export schema metadata to \(SourceText.string(path))"
            : "import schema metadata from \(SourceText.string(path))" + (user.map { " admin user \(SourceText.name($0)) password \(password.map(SourceText.secret) ?? "prompt")" } ?? "")
    }
    var calls: [PlannedCall] {
        export ? [PlannedCall(.downloadSchemaMetadata, "the instance's schema metadata")]
            : [PlannedCall(.uploadSchemaMetadata, "create the file's schemas")]
    }

    /// The file is the service's answer as it came (snake_case, as the API names it), so it can be
    /// sent back unchanged.
    static let fileEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }()

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        if export {
            let file = try await e.client.schemaMetadata(instance: instance)
            // A dry run writes nothing, no file either: it says what it would write.
            if e.options.dryRun {
                let nodes = file.dataNodes?.count ?? 0
                await e.sink.message("dry run: would write the schema metadata of \(e.currentInstanceName ?? instance) (\(nodes) data node\(nodes == 1 ? "" : "s")) to \(path)")
                return nil
            }
            do {
                try ExportFile.write(String(decoding: try Self.fileEncoder.encode(file), as: UTF8.self) + "\n", to: path)
            } catch {
                throw EvaluationError("cannot write \(path): \(Compiler.reason(error)); nothing was written", kind: .failed)
            }
            let nodes = file.dataNodes?.count ?? 0
            await e.sink.message("wrote the schema metadata of \(e.currentInstanceName ?? instance) (\(nodes) data node\(nodes == 1 ? "" : "s")) to \(path)")
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EvaluationError("cannot read \(path); nothing was imported", kind: .notFound)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let file = try? decoder.decode(SchemaMetadata.self, from: data) else {
            throw EvaluationError("\(path) is not a schema metadata file ('export schema metadata' writes one); nothing was imported", kind: .failed)
        }
        let nodes = (file.dataNodes ?? []).compactMap(\.instanceId)
        let user = user ?? "root"
        let secret = try e.secretForWrite(password ?? .env(Exporter.rdsPasswordVariable, SourceRange(0, 0)), purpose: "password of \(user) on the data nodes")
        let client = e.client
        let names = (file.dataNodes ?? []).map { $0.instanceName ?? $0.instanceId ?? "?" }.joined(separator: ", ")
        let write = Write(summary: "import the schema metadata in \(path) (data nodes \(names))", question: nil,
                          journal: .change(instance, "imported the schema metadata in \(path)")) {
            try await client.importSchemaMetadata(instance: instance, file, admins: nodes.map { DataNodeAdmin(id: $0, user: user, password: secret) })
        }
        guard let answer = try await e.perform(write) else { return nil }
        await e.sink.message("imported the schema metadata in \(path)" + (answer.jobId.map { " (job \($0))" } ?? ""))
        return "imported the schema metadata in \(path)"
    }
}
