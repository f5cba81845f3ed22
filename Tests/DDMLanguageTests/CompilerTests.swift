import DDMKit
import Testing
@testable import DDMLanguage

@Suite struct CompilerTests {
    func compile(_ text: String, files: [String: String] = [:], selected: Bool = true, vars: [String: Value] = [:]) -> Compiler.Output {
        var o = Compiler.Options()
        o.instanceSelected = selected
        o.variables = vars
        o.readFile = { path in
            guard let text = files[path] else { throw EvaluationError("no such file") }
            return text
        }
        return Compiler.compile(SourceFile(name: "t.ddm", text: text), options: o)
    }

    func messages(_ o: Compiler.Output) -> [String] { o.diagnostics.map(\.message) }

    /// A node named twice is removed once: DDM is never sent the pair.
    @Test func aNodeNamedTwiceIsRemovedOnce() {
        let o = compile("alter instance ddm-a remove node n1, n2, n1;")
        #expect(o.diagnostics.isEmpty)
        let text = o.plan.steps.map { $0.step.text }.joined()
        #expect(text.contains("n1, n2") && text.components(separatedBy: "n1").count == 2, "\(text)")
    }

    @Test func grantPlanText() {
        let o = compile("grant SELECT, insert on ORDERS, billing to ddmtest, app;")
        #expect(o.diagnostics.isEmpty)
        #expect(o.plan.description == """
            batch of 1 grant/revoke statement over 2 accounts:
              grant INSERT, SELECT on orders, billing to ddmtest, app
              GET    /v3/{project_id}/instances/{instance_id}/users  (list accounts, every page, once)
              PUT    /v3/{project_id}/instances/{instance_id}/users/{name}  (modify account, once per account that changes (at most 2))
            """)
        // With v1 chosen, or once the endpoint is known to lack v3 list accounts:
        #expect(o.plan.description(routes: RouteVersions(choice: .v1)).contains("GET    /v1/{project_id}/instances/{instance_id}/users"))
        let learned = o.plan.description(routes: RouteVersions(olderOnly: [.listAccounts]))
        #expect(learned.contains("GET    /v1/{project_id}/instances/{instance_id}/users") && learned.contains("PUT    /v3/"))
        // The plan prints a grant as its source: `none` stays `none`, a quote in a comment is doubled
        // (it printed `grant exactly  to app comment 'it's'`, which does not parse).
        let exact = compile("grant exactly none to app comment 'it''s';")
        #expect(exact.plan.description.contains("\n  grant exactly none to app comment 'it''s'\n"), "\(exact.plan.description)")
    }

    @Test func adminStatementsCompileToTheirStepsAndQuestions() {
        // Naming the instance needs no current one; leaving it out does.
        #expect(compile("set parameter max_connections = 30000 on instance ddm-b;", selected: false).diagnostics.isEmpty)
        #expect(messages(compile("set parameter max_connections = 30000;", selected: false)).first?.contains("instance") == true)
        let o = compile("let n = 3; alter instance ddm-a remove nodes $n wait; kill process 7, 8; alter instance ddm-a add nodes 1;")
        #expect(o.diagnostics.isEmpty)
        let questions = o.plan.steps.map { $0.step.question ?? "-" }
        #expect(questions == ["remove 3 nodes from ddm-a?", "kill processes 7, 8?", "-"])
        #expect(o.plan.steps[0].description.hasPrefix("alter instance ddm-a remove nodes 3 wait\n"))
        #expect(messages(compile("show slow queries limit 5000;")) == ["limit must be from 1 to 1000 (got 5000)"])
    }

    @Test func consecutiveGrantsAndLoopsFormOneBatch() {
        let o = compile("""
            let team = (alice, bob);
            for u in $team { grant SELECT on orders to $u; revoke INSERT from $u; }
            grant UPDATE on billing to carol;
            show users;
            grant DELETE on orders to alice;
            """)
        #expect(o.diagnostics.isEmpty)
        #expect(o.plan.steps.count == 3)
        guard let first = o.plan.steps[0].step.grants?.changes else { Issue.record("not a batch"); return }
        #expect(first.map(\.description) == [
            "grant SELECT on orders to alice", "revoke INSERT from alice",
            "grant SELECT on orders to bob", "revoke INSERT from bob", "grant UPDATE on billing to carol",
        ])
    }

    @Test func aLongRunOfGrantsIsOneBatchInOrder() {
        // 50,000 grants: merging them used to copy the batch once per grant (minutes at 100k).
        let n = 50_000
        let text = (0..<n).map { "grant SELECT on orders to u\($0);" }.joined(separator: "\n")
        let o = compile(text)
        #expect(o.diagnostics.isEmpty)
        #expect(o.plan.steps.count == 1)
        guard let changes = o.plan.steps.first?.step.grants?.changes else { Issue.record("not a batch"); return }
        #expect(changes.count == n)
        #expect(changes.first?.users == ["u0"])
        #expect(changes.last?.users == ["u\(n - 1)"])
    }

    @Test func checkModeKeepsNoPlanButEveryError() {
        var o = Compiler.Options()
        o.instanceSelected = true
        o.keepPlan = false
        let out = Compiler.compile(SourceFile(name: "t.ddm", text: """
            grant SELECT on orders to alice;
            grant SELCT on orders to bob;
            show users;
            drop schema mysql;
            """), options: o)
        #expect(out.plan.steps.isEmpty)
        #expect(out.diagnostics.map(\.message) == [
            "unknown privilege 'SELCT'; did you mean 'SELECT'?", "invalid schema name 'mysql': it is reserved",
        ])
    }

    @Test func privilegesAreChecked() {
        #expect(messages(compile("grant SELCT on orders to u;")) == ["unknown privilege 'SELCT'; did you mean 'SELECT'?"])
        #expect(messages(compile("create user u password 'x' with fulltableSelect;")) == ["fulltableSelect needs SELECT as well"])
        guard let c = compile("grant all on orders to u;").plan.steps.first?.step.grants?.changes else {
            Issue.record("grant all did not compile to a batch")
            return
        }
        #expect(c[0].base == BasePermission.allCases)
        #expect(c[0].all)
    }

    @Test func namesAreChecked() {
        #expect(messages(compile("create user 9lives password 'x';")).first?.hasPrefix("invalid account name '9lives'") == true)
        #expect(messages(compile("drop schema mysql;")) == ["invalid schema name 'mysql': it is reserved"])
        #expect(messages(compile("rename instance a to b;")).first?.hasPrefix("invalid instance name 'b'") == true)
        #expect(messages(compile("drop schema MySQL;")) == ["invalid schema name 'mysql': it is reserved"])
        #expect(messages(compile("drop schema \"é\";")) == ["invalid schema name 'é': 2 to 48 characters"])
        #expect(messages(compile("drop schema \"été\";")) == ["invalid schema name 'été': it must start with a letter and hold only letters, digits and '_'"])
        #expect(messages(compile("grant SELECT on orders to \"jösé\";")).first?.hasPrefix("invalid account name 'jösé'") == true)
        #expect(messages(compile("grant select, Fulltableselect on Orders to A_1;")).isEmpty)
    }

    @Test func instanceMustBeSelected() {
        #expect(messages(compile("show users;", selected: false)) == ["no instance selected: write 'use instance <name>;' first (or pass --instance)"])
        #expect(compile("use instance x; show users;", selected: false).diagnostics.isEmpty)
    }

    @Test func variablesListsAndFiles() {
        let o = compile("let xs = lines('team.txt'); grant SELECT on orders to $xs;", files: ["team.txt": "alice\n# comment\n\nbob\n"])
        guard let c = o.plan.steps.first?.step.grants?.changes else { Issue.record("\(o.diagnostics)"); return }
        #expect(c[0].users == ["alice", "bob"])
        #expect(messages(compile("grant SELECT on orders to $nobody;", vars: ["nobdy": .string("x")])) == ["undefined variable '$nobody'; did you mean '$nobdy'?"])
        #expect(messages(compile("use instance $xs;", vars: ["xs": .list([.string("a"), .string("b")])])) == ["expected one instance name, found a list of 2"])
        #expect(messages(compile("let x = lines('missing.txt');")) == ["cannot read 'missing.txt': no such file"])
    }

    @Test func sourceIncludesAnotherFileAndCatchesCycles() {
        let o = compile("source 'b.ddm';", files: ["b.ddm": "grant SELECT on orders to u;\nshow users"])
        #expect(o.diagnostics.map(\.file) == ["b.ddm"])
        let cycle = compile("source 'a.ddm';", files: ["a.ddm": "source 'a.ddm';"])
        #expect(messages(cycle).first?.contains("already being sourced") == true)
    }

    @Test func createStatements() {
        let o = compile("""
            create instance ddm-x with flavor=ddm.c6.large.2, nodes=2, vpc=v, subnet=s, security_group=g, az=[z1] wait;
            create schema orders shards 8 on rds r1, r2 admin user root password env PW;
            create user app password prompt with SELECT on orders comment 'x';
            """)
        #expect(o.diagnostics.isEmpty)
        #expect(o.plan.steps.map { $0.description.split(separator: "\n")[0] } == [
            "create instance ddm-x (flavor ddm.c6.large.2, 2 nodes)",
            "create schema orders (8 shards, cluster, on r1, r2)",
            "create user app with SELECT on orders",
        ])
        #expect(messages(compile("create instance ddm-x with flavr=x;")) == ["unknown instance option 'flavr'; did you mean 'flavor'?"])
        #expect(messages(compile("create schema orders shards 200 on rds r1;")) == ["200 shards on 1 RDS instance: use 1 to 64"])
    }
}

@Suite struct BatchPlannerTests {
    func change(_ kind: Change.Kind, _ base: [BasePermission], on: [String]?, _ users: [String], all: Bool = false) -> Change {
        Change(kind: kind, base: base, extended: [], all: all, schemas: on, users: users, range: SourceRange(0, 1), file: "t")
    }
    let accounts = [
        Account(name: "u1", baseAuthority: ["SELECT"], databases: [AccountSchema(name: "orders")]),
        Account(name: "u2", baseAuthority: ["SELECT", "INSERT"], databases: [AccountSchema(name: "orders"), AccountSchema(name: "billing")]),
    ]

    @Test func grantAddsPrivilegesAndSchemasAndSaysSo() {
        let o = BatchPlanner.plan([change(.grant, [.insert], on: ["orders"], ["u1", "u2"])], accounts: accounts)
        #expect(o.errors.isEmpty)
        #expect(o.targets.map(\.changed) == [true, false])
        #expect(o.targets[0].after == BatchPlanner.State(base: [.insert, .select], extended: [], schemas: ["orders"]))
        #expect(o.notes == ["u2: permissions are account-wide, so INSERT also applies to billing"])
    }

    @Test func revokeOnSomeSchemasIsRefusedHonestly() {
        let o = BatchPlanner.plan([change(.revoke, [.insert], on: ["orders"], ["u2"])], accounts: accounts)
        #expect(o.targets.isEmpty)
        #expect(o.errors.first?.message.contains("account-wide") == true)
        #expect(o.errors.first?.message.contains("revoke all on orders from u2") == true)
        let covered = BatchPlanner.plan([change(.revoke, [.insert], on: ["orders", "billing"], ["u2"])], accounts: accounts)
        #expect(covered.targets.first?.after.base == [.select])
        // A schema the account does not reach (or that does not exist) revokes nothing, rather
        // than the privilege on every schema.
        let unreached = BatchPlanner.plan([change(.revoke, [.select], on: ["nosuch"], ["u2"])], accounts: accounts)
        #expect(unreached.targets.allSatisfy { !$0.changed } && unreached.errors.first?.message.hasPrefix("u2 does not reach nosuch: nothing to revoke there") == true,
                "\(unreached.errors.map(\.message))")
    }

    @Test func revokeAllOnDetachesAndMissingAccountsAreErrors() {
        let o = BatchPlanner.plan([change(.revoke, BasePermission.allCases, on: ["billing"], ["u2"], all: true)], accounts: accounts)
        #expect(o.targets.first?.after == BatchPlanner.State(base: [.insert, .select], extended: [], schemas: ["orders"]))
        let missing = BatchPlanner.plan([change(.grant, [.select], on: ["orders"], ["ghost"])], accounts: accounts)
        #expect(missing.errors.first?.message == "account 'ghost' does not exist")
    }

    @Test func revokingABasicPrivilegeTakesItsExtendedOne() {
        let a = [Account(name: "u", baseAuthority: ["SELECT", "DELETE"], extendAuthority: ["fulltableDelete"], databases: [])]
        let o = BatchPlanner.plan([change(.revoke, [.delete], on: nil, ["u"])], accounts: a)
        #expect(o.targets.first?.after.extended == [])
        #expect(o.notes == ["u: fulltableDelete removed with its basic privilege"])
    }
}
