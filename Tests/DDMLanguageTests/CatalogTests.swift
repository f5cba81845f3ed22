@testable import DDMKit
import Foundation
import Testing
@testable import DDMLanguage

/// The statement catalogue against the parser, the compiler and DDMKit: a statement cannot be
/// added in one place and forgotten in another.
@Suite struct CatalogTests {
    @Test func everyStatementHasExactlyOneEntry() {
        var seen: Set<StatementID> = []
        for e in StatementCatalog.entries { #expect(seen.insert(e.id).inserted, "\(e.id) has two entries") }
        // Each family's rules start with words its entries list, so completion and help know them.
        for family in StatementCatalog.families {
            let starts = Set(family.entries.map { $0.path[0] })
            for rule in family.rules { #expect(rule.path[0].allSatisfy(starts.contains), "\(rule.path)") }
        }
    }

    @Test func everyExampleParsesCompilesAndBecomesItsStatement() throws {
        var options = Compiler.Options()
        options.instanceSelected = true
        options.variables["team"] = .list([.string("alice")])
        for entry in StatementCatalog.entries {
            let parsed = Parser.parse(SourceFile(name: "example.ddm", text: entry.example))
            #expect(parsed.diagnostics.isEmpty, "\(entry.id): \(parsed.diagnostics.map(\.message))")
            #expect(entry.path.first.map(Parser.allStatementKeywords.contains) == true, "\(entry.id)")
            // `source` reads a file when compiled; parsing its example is what can be checked here.
            if entry.id == .source { continue }
            let compiled = Compiler.compile(SourceFile(name: "example.ddm", text: entry.example), options: options)
            #expect(compiled.diagnostics.isEmpty, "\(entry.id): \(compiled.diagnostics.map(\.message))")
            let steps = compiled.plan.steps.flatMap { step -> [PlanStep] in
                if let explained = step.step as? Explanation { return [step] + explained.steps }
                return [step]
            }
            if [.letBinding, .forLoop].contains(entry.id) {
                #expect(compiled.plan.steps.allSatisfy { !$0.step.statementIDs.contains(entry.id) })
                continue
            }
            #expect(steps.contains { $0.step.statementIDs.contains(entry.id) }, "\(entry.id) compiled to \(steps.map(\.step.statementIDs))")
            // What explain prints for it is within what the catalogue says it may call.
            for step in steps where step.step.statementIDs.contains(entry.id) {
                for call in step.step.calls {
                    #expect(entry.operations.contains(call.operation), "\(entry.id) calls \(call.operation), not in its entry")
                }
            }
        }
    }

    @Test func routesAreDDMKitsOwn() {
        let project = "0123456789abcdef0123456789abcdef"
        let api = DDMAPI(projectId: project)
        func filled(_ r: DDMOperationID.Route) -> String { r.path.replacingOccurrences(of: "{project_id}", with: project) }
        #expect(filled(DDMOperationID.deleteAccount.route(instance: "inst1", object: "app")) == api.deleteAccount(instance: "inst1", name: "app").path)
        #expect(filled(DDMOperationID.listAccounts.route(instance: "inst1")) == api.listAccounts(instance: "inst1").path)
        #expect(DDMOperationID.deleteSchema.route(object: "orders", deleteData: true).target
                == "/v1/{project_id}/instances/{instance_id}/databases/orders?delete_rds_data=true")
        #expect(DDMOperationID.resetPassword.route().path == "/v2/{project_id}/instances/{instance_id}/users/{name}/password")
        for id in DDMOperationID.allCases {
            let r = id.route()
            // `GET /` (the API versions) is the one call outside a version.
            #expect(["GET", "POST", "PUT", "DELETE"].contains(r.method) && (r.path.hasPrefix("/v") || r.path == "/") && !r.name.isEmpty, "\(id)")
            let v3 = id.route(v3: true)
            // Without a v3 form the older route stands (show job's is v3 already).
            #expect(id.hasV3 ? v3.path.hasPrefix("/v3") && v3 != r : v3 == r, "\(id)")
            #expect(v3.name == r.name)
        }
        #expect(DDMOperationID.deleteSchema.route(object: "orders", deleteData: true, v3: true).target
                == "/v3/{project_id}/instances/{instance_id}/databases/orders?delete_dn_data=true")
        #expect(filled(DDMOperationID.listAccounts.route(instance: "inst1", v3: true)) == api.listAccountsV3(instance: "inst1").path)
    }

    @Test func helpCompletionAndRecoveryComeFromTheCatalogue() {
        let topics = Set(Help.entries.map(\.topic))
        for e in StatementCatalog.entries { #expect(topics.contains(e.topic), "\(e.id)") }
        #expect(Help.text("show").contains("show grants for <account>[, …];"))
        #expect(StatementCatalog.showTargets.contains("nodes"))
        // Words that also appear inside statements are no place to resume after an error.
        #expect(!StatementCatalog.recoveryStarts.contains("for") && !StatementCatalog.recoveryStarts.contains("set")
                && !StatementCatalog.recoveryStarts.contains("wait"))
        #expect(StatementCatalog.recoveryStarts.isSubset(of: Set(StatementCatalog.starts)))
        #expect(StatementCatalog.continuation(after: ["drop", "user", "app", "if"]).keywords == ["exists"])
        #expect(StatementCatalog.continuation(after: ["create", "user", "app", "if"]).keywords == ["not"])
    }

    @Test func everyBatchStatementNeedsWhatGrantNeeds() {
        // The compiler asks `grant` for every batch (`GrantBatch.needsInstance`).
        let grant = StatementCatalog.entry(.grant)?.needsInstance
        #expect(grant != nil && StatementCatalog.entry(.revoke)?.needsInstance == grant && StatementCatalog.entry(.grantExactly)?.needsInstance == grant)
    }

    @Test func needsInstanceIsTheCataloguesWord() {
        var options = Compiler.Options()
        options.instanceSelected = false
        let compiled = Compiler.compile(SourceFile(name: "t.ddm", text: "show users;"), options: options)
        #expect(compiled.diagnostics.contains { $0.message.contains("no instance") || $0.message.contains("use instance") },
                "\(compiled.diagnostics.map(\.message))")
    }
}

@Suite struct ExportFileTests {
    @Test func aDeviceIsWrittenInPlaceNotReplaced() throws {
        // Renaming a temporary file over /dev/null once replaced the device with a file.
        try ExportFile.write("-- nothing\n", to: "/dev/null")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).ddm").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ExportFile.write("one\n", to: path)
        try ExportFile.write("two\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two\n")
    }
}

@Suite struct UndoTests {
    let header = Journal.Header(run: "r1", time: "2026-11-24T00:00:00Z", endpoint: "https://x", project: "p",
                                instance: "inst-id", instanceName: "ddm-prod", undoes: nil)
    let was = Journal.AccountState(privileges: ["SELECT", "fulltableSelect"], schemas: ["orders"], comment: "it's old")

    @Test func eachObjectGoesBackToItsStateBeforeTheRunsFirstWrite() {
        let run = Journal.Run(header: header, writes: [
            (.modifyAccount(name: "app", before: was), true),
            (.modifyAccount(name: "app", before: Journal.AccountState(privileges: ["INSERT"], schemas: [], comment: "")), true),
            (.createAccount(name: "new"), true),
            (.modifyAccount(name: "new", before: Journal.AccountState(privileges: ["SELECT"], schemas: [], comment: "")), nil),
            (.dropAccount(name: "old", before: Journal.AccountState(privileges: ["DELETE"], schemas: ["orders"], comment: "")), true),
            (.createSchema(name: "tmp"), true),
            (.dropSchema(name: "logs"), true),
        ])
        let undo = Undo.script(run, passwordFromEnvironment: ["DDM_PASSWORD_OLD"])
        #expect(undo.script == """
            -- undo of run r1 (2026-11-24T00:00:00Z) on instance ddm-prod
            use instance inst-id;
            create user old if not exists password env DDM_PASSWORD_OLD;
            grant exactly DELETE on orders to old comment '';
            drop user new if exists;
            grant exactly SELECT, fulltableSelect on orders to app comment 'it''s old';
            drop schema tmp if exists;
            -- old was dropped: it is recreated, but its password cannot be restored (a new one from DDM_PASSWORD_OLD)
            -- schema logs was dropped by the run: its data cannot be restored, and undo does not recreate it
            -- schema tmp, which the run created, is dropped with any data written to it since

            """)
        #expect(undo.statements == 5)
        // The script is the language's own: it compiles.
        var options = Compiler.Options()
        options.instanceSelected = true
        #expect(Compiler.compile(SourceFile(name: "undo.ddm", text: undo.script), options: options).diagnostics.isEmpty)
    }

    @Test func aRunThatCreatedAndDroppedTheSameAccountLeavesNothingToDo() {
        let run = Journal.Run(header: header, writes: [(.createAccount(name: "tmp"), true),
                                                       (.dropAccount(name: "tmp", before: was), true)])
        #expect(Undo.script(run).statements == 0)
    }
}

@Suite struct JournalFileTests {
    @Test func journalsAreReadBackInOrderAndOldOnesArePruned() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for i in 0..<5 {
            let header = Journal.Header(run: Journal.newRunId(), time: "t\(i)", endpoint: "e", project: "p", instance: "i", instanceName: nil, undoes: nil)
            let journal = Journal(directory: dir, header: header)
            let seq = try journal.intent(.createAccount(name: "u\(i)"))
            if i != 4 { journal.done(seq, ok: true) }
        }
        let runs = Journal.runs(in: dir)
        #expect(runs.map(\.header.time) == ["t0", "t1", "t2", "t3", "t4"])
        // The last run was cut off after its intent: the write is there, unconfirmed.
        #expect(runs.last?.writes.map(\.done) == [nil])
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/" + runs[0].header.run + ".jsonl")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        Journal.prune(dir, keeping: 2)
        #expect(Journal.runs(in: dir).map(\.header.time) == ["t3", "t4"])
    }
}

/// Every operation of the pinned SDK is one some statement calls, and docs/sdk-operations.md's
/// table of which says so (`DDMSH_RECORD=1` rewrites that table from the catalogue).
@Suite struct SDKReachTests {
    static let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/sdk-operations.md")
    static let begin = "<!-- statements per operation: written by SDKReachTests from the catalogue -->"
    static let end = "<!-- end of statements per operation -->"

    /// Per SDK operation, the statements whose calls include it (as the older call or the v3 one).
    static func table() -> (lines: [String], unreached: [String]) {
        var by: [String: [String]] = [:]
        for e in StatementCatalog.entries {
            for op in e.operations {
                for name in [op.sdkNames.older, op.sdkNames.v3].compactMap({ $0 }) where !(by[name] ?? []).contains(e.path.joined(separator: " ")) {
                    by[name, default: []].append(e.path.joined(separator: " "))
                }
            }
        }
        var lines = ["| SDK operation | method and path | statements that call it |", "|---|---|---|"]
        var unreached: [String] = []
        for op in SDKOperation.all {
            let names = by[op.name] ?? []
            if names.isEmpty { unreached.append(op.name) }
            let shown = names.prefix(4).map { "`\($0)`" }.joined(separator: ", ") + (names.count > 4 ? " and \(names.count - 4) more" : "")
            lines.append("| `\(op.name)` | `\(op.method) \(op.path)` | \(shown.isEmpty ? "—" : shown) |")
        }
        return (lines, unreached)
    }

    @Test func everySDKOperationIsReachedByAStatement() throws {
        let (lines, unreached) = Self.table()
        #expect(unreached.isEmpty, "no statement calls: \(unreached.joined(separator: ", "))")
        let text = try String(contentsOf: Self.doc, encoding: .utf8)
        let generated = ([Self.begin] + lines + [Self.end]).joined(separator: "\n")
        guard let a = text.range(of: Self.begin), let b = text.range(of: Self.end) else {
            Issue.record("docs/sdk-operations.md has no generated table (\(Self.begin))"); return
        }
        let current = String(text[a.lowerBound..<b.upperBound])
        if ProcessInfo.processInfo.environment["DDMSH_RECORD"] != nil, current != generated {
            try text.replacingCharacters(in: a.lowerBound..<b.upperBound, with: generated).write(to: Self.doc, atomically: true, encoding: .utf8)
            return
        }
        #expect(current == generated, "docs/sdk-operations.md's table is not the catalogue's; DDMSH_RECORD=1 rewrites it")
    }
}

/// Undo and export write statements through the statements' own printers: each line they write
/// compiles to a statement that prints back as the same line, so what they write is what the
/// parser reads.
@Suite struct GeneratedScriptsPrintBackTests {
    func printsBack(_ script: String, sourceName: String) {
        var options = Compiler.Options()
        options.instanceSelected = true
        for line in script.split(separator: "\n").map(String.init) where !line.hasPrefix("--") && !line.hasPrefix("declare ") {
            let compiled = Compiler.compile(SourceFile(name: sourceName, text: line), options: options)
            #expect(compiled.diagnostics.isEmpty, "\(line): \(compiled.diagnostics.map(\.message))")
            let printed = compiled.plan.steps.map { $0.step.text + ";" }
            // What the printer writes is what it reads: the line is the printed statement, or (a
            // default the compiler fills in, as `with SELECT`) prints the same statement again.
            let again = Compiler.compile(SourceFile(name: sourceName, text: printed.joined(separator: "\n")), options: options)
            #expect(printed == [line] || again.plan.steps.map { $0.step.text + ";" } == printed, "\(line) → \(printed)")
        }
    }

    @Test func undoLinesAreStatementsPrintedBack() {
        let header = Journal.Header(run: "r1", time: "2026-11-24T00:00:00Z", endpoint: "https://x", project: "p",
                                    instance: "inst-id", instanceName: "ddm-prod", undoes: nil)
        let run = Journal.Run(header: header, writes: [
            (.modifyAccount(name: "app", before: Journal.AccountState(privileges: ["fulltableSelect", "SELECT", "MYSTERY"], schemas: ["orders", "stock"], comment: "it's")), true),
            (.dropAccount(name: "gone", before: Journal.AccountState(privileges: [], schemas: [], comment: "")), true),
            (.createAccount(name: "fresh"), true),
            (.modifyAccount(name: "lines", before: Journal.AccountState(privileges: ["SELECT"], schemas: ["lines"], comment: "")), true),
            (.createSchema(name: "tmp"), true),
            (.setParameters(instance: "inst-id", before: ["b": "it's 2", "a": "1"]), true),
        ])
        let undo = Undo.script(run)
        printsBack(undo.script, sourceName: "undo.ddm")
        // An unknown privilege is not written (it cannot be granted); none is `none`.
        #expect(undo.script.contains("grant exactly SELECT, fulltableSelect on orders, stock to app comment 'it''s';"))
        #expect(undo.script.contains("grant exactly none to gone comment '';"))
        #expect(undo.script.contains("set parameter a = '1', b = 'it''s 2' on instance inst-id;"))
    }

    @Test func exportLinesAreStatementsPrintedBack() throws {
        let schema = try JSONDecoder().decode(Schema.self, from: Data(#"{"name": "orders", "shardMode": "cluster", "shardNumber": 8, "usedRds": [{"id": "r1", "name": "rds-a"}, {"id": "r2", "name": "rds b"}]}"#.utf8))
        let accounts = [Account(name: "app", baseAuthority: ["SELECT", "INSERT", "MYSTERY"], extendAuthority: ["fulltableSelect"], description: "it's",
                                databases: [AccountSchema(name: "stock"), AccountSchema(name: "orders")]),
                        Account(name: "empty", baseAuthority: [], databases: []),
                        // `lines` as a bare value is `lines('file')`: written quoted.
                        Account(name: "lines", baseAuthority: ["SELECT"], databases: [AccountSchema(name: "lines")])]
        let parameters = [Parameter(name: "max_connections", value: "20000", readOnly: "false")]
        for passwords in [ExportOptions.Passwords.env, .prompt] {
            let script = Exporter.script(Exporter.Header(instance: "ddm-test", time: Date(timeIntervalSince1970: 0), version: "t"),
                                         scope: .all, passwords: passwords, schemas: [schema], accounts: accounts, parameters: parameters)
            printsBack(script, sourceName: "export.ddm")
            #expect(script.contains("create schema orders if not exists shards 8 mode cluster on rds rds-a, \"rds b\" admin user root password "))
            // In DDM's documented order, whatever the order read.
            #expect(script.contains("grant exactly INSERT, SELECT, fulltableSelect on orders, stock to app comment 'it''s';"))
            #expect(script.contains("-- app also has MYSTERY, which ddmsh keeps but cannot grant"))
            #expect(script.contains("grant exactly none to empty;"))
            #expect(script.contains("grant exactly SELECT on \"lines\" to \"lines\";"), "\(script)")
        }
    }
}
