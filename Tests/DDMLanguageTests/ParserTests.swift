import Testing
@testable import DDMLanguage

@Suite struct ParserTests {
    func parse(_ text: String) -> Parser.Result { Parser.parse(SourceFile(name: "t.ddm", text: text)) }

    func errors(_ text: String) -> [String] {
        let f = SourceFile(name: "t.ddm", text: text)
        return Parser.parse(f).diagnostics.map {
            let (l, c) = f.location($0.range.start)
            return "\(l):\(c): \($0.message)"
        }
    }

    @Test func grantAST() throws {
        let r = parse("grant SELECT, INSERT on db_7350 to ddmtest;")
        #expect(r.diagnostics.isEmpty)
        guard let grant = try #require(r.statements.first).node.value as? GrantStatement, grant.kind == .grant,
              let s = grant.schemas else { Issue.record("not a grant"); return }
        let p = grant.privileges, u = grant.users
        #expect(p == .list([.name("SELECT", SourceRange(6, 12)), .name("INSERT", SourceRange(14, 20))], SourceRange(6, 20)))
        #expect(s == .name("db_7350", SourceRange(24, 31)))
        #expect(u == .name("ddmtest", SourceRange(35, 42)))
        #expect(r.statements[0].range == SourceRange(0, 43))
    }

    @Test func adminStatementsAST() throws {
        let r = parse("""
            alter instance ddm-a add nodes 2 in ap-southeast-1b wait;
            set parameter max_connections = 30000, long_query_time = 0.5, sql_audit = 'ON' on instance ddm-b;
            kill physical process 3101, 3102;
            alter instance ddm-a set read only on;
            show slow queries limit 5;
            restart node n1 wait;
            """)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map(\.message))")
        let nodes = r.statements.map { s -> (any StatementSyntax)? in s.node.value }
        guard let alter = nodes[0] as? AlterInstance<Parsed>, case .name("ddm-a", _) = alter.instance,
              case .addNodes(.number(2, _), zone: .name("ap-southeast-1b", _)?) = alter.change, alter.wait else {
            Issue.record("\(r.statements[0])"); return
        }
        guard let set = nodes[1] as? SetParameters<Parsed>, case .name("ddm-b", _)? = set.instance else { Issue.record("\(r.statements[1])"); return }
        #expect(set.settings.map(\.name) == ["max_connections", "long_query_time", "sql_audit"])
        #expect(set.settings[1].value == .name("0.5", set.settings[1].value.range))
        #expect(set.settings[2].value == .string("ON", set.settings[2].value.range))
        guard let kill = nodes[2] as? KillProcesses<Parsed>, case .list(let ids, _) = kill.ids, kill.physical else { Issue.record("\(r.statements[2])"); return }
        #expect(ids.count == 2)
        guard let readOnly = nodes[3] as? AlterInstance<Parsed>, readOnly.change == .readOnly(true), !readOnly.wait else { Issue.record("\(r.statements[3])"); return }
        guard let slow = nodes[4] as? ShowSlowQueries<Parsed>, case .number(5, _)? = slow.limit else { Issue.record("\(r.statements[4])"); return }
        guard let restart = nodes[5] as? NameStatement<Parsed>, restart.form.id == .restartNode, case .name("n1", _) = restart.name, restart.wait else { Issue.record("\(r.statements[5])"); return }
    }

    @Test func adminStatementErrorsPointAtTheWord() {
        #expect(errors("alter instance x set colour blue;") == ["1:22: expected security group, flavor, port, ssl, read only or admin password after 'set', found 'colour'"])
        #expect(errors("alter instance x set ssl maybe;") == ["1:26: expected 'on' or 'off' after 'ssl', found 'maybe'"])
        #expect(errors("set parameter max_connections 5;") == ["1:31: expected '=' after 'max_connections', found '5'"])
        #expect(errors("kill 12;") == ["1:6: expected 'process' after 'kill', found '12'"])
        #expect(errors("show slow logs;") == ["1:11: expected 'queries' or 'query' after 'show slow', found 'logs'"])
        #expect(errors("alter instance x grow 2;").first?.hasPrefix("1:18: expected set, add nodes") == true)
    }

    @Test func everyStatementParses() {
        let script = """
            use instance ddm-prod;
            show instances; show instance x; show engines; show flavors; show schemas; show schema s;
            show available rds; show users; show grants for u; show job j1; show nodes;
            create instance ddm-a with flavor=ddm.c6.large.2, nodes=2, vpc=v, subnet=s, security_group=g, az=[a, b] wait;
            restart instance ddm-a hard wait; drop instance ddm-a if exists delete rds data;
            rename instance ddm-a to ddm-b; alter instance ddm-b set security group sg2;
            reload table data on instance ddm-b; wait job j1; wait instance ddm-b;
            create schema orders if not exists shards 8 mode cluster on rds r1, r2 admin user root password prompt;
            drop schema orders if exists delete rds data;
            create user u if not exists password env PW with SELECT, INSERT on orders comment 'app';
            alter user u comment 'new'; alter user u password file '/run/pw'; drop user u if exists;
            grant all on (a, b) to [u1, u2]; revoke INSERT from u; revoke all on a from u;
            let xs = lines('users.txt'); for x in $xs { grant SELECT on a to $x; }
            source 'other.ddm'; explain grant SELECT on a to u; set on_error continue; help grant;
            """
        let r = parse(script)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics)")
        #expect(r.statements.count == 35)
    }

    @Test func errorsCarryPositions() {
        #expect(errors("grant SELECT on db_7350 ddmtest;") == ["1:25: expected 'to' before the account names, found 'ddmtest'"])
        #expect(errors("show usrs;") == ["1:6: cannot show 'usrs'; did you mean 'users'?"])
        #expect(errors("grnat SELECT on a to b;") == ["1:1: unknown statement 'grnat'; did you mean 'grant'?"])
    }

    @Test func recoveryReportsEveryErrorOnce() {
        let e = errors("""
            show users
            grant SELECT on a b;
            show schemas;
            drop table x;
            """)
        #expect(e == [
            "1:11: expected ';' at the end of the statement, found 'grant'",
            "2:19: expected 'to' before the account names, found 'b'",
            "4:6: expected 'backup', 'group', 'instance', 'parameter', 'schema' or 'user' after 'drop', found 'table'",
        ])
        #expect(parse("show users\ngrant SELECT on a b;\nshow schemas;").statements.count == 1)
    }

    @Test func lexerAndParserErrorsComeInSourceOrder() {
        #expect(errors("grant SELECT on a b;\nshow ~ users;\ndrop table t;") == [
            "1:19: expected 'to' before the account names, found 'b'",
            "2:6: unexpected character '~'",
            "3:6: expected 'backup', 'group', 'instance', 'parameter', 'schema' or 'user' after 'drop', found 'table'",
        ])
    }

    @Test func statementsCanBePulledOneAtATime() {
        var p = Parser(SourceFile(name: "t.ddm", text: "show users; show schemas; grant x;"))
        #expect(p.nextStatement() != nil)
        #expect(p.takeDiagnostics().isEmpty)
        #expect(p.nextStatement() != nil)
        #expect(p.nextStatement() == nil)
        #expect(p.takeDiagnostics().map(\.message) == ["expected 'on' before the schemas, found ';'"])
        #expect(p.takeDiagnostics().isEmpty)
    }

    @Test func incompleteInputIsNotAnError() {
        #expect(Parser.isIncomplete("grant SELECT on orders"))
        #expect(Parser.isIncomplete("for u in (a, b) {\n grant SELECT on x to $u;"))
        #expect(Parser.isIncomplete("alter user u comment 'still typing"))
        #expect(!Parser.isIncomplete("grant SELECT on orders to u;"))
        #expect(!Parser.isIncomplete("grant SELECT on orders u;"))  // a real error: complete, and wrong
    }

    @Test func deepNestingIsRejectedNotCrashed() {
        let deep = String(repeating: "for x in (a) { ", count: 200) + String(repeating: "}", count: 200)
        let r = parse(deep)
        #expect(r.diagnostics.contains { $0.message.contains("nesting is deeper") })
        let brackets = "let x = " + String(repeating: "(", count: 5000) + ";"
        #expect(!parse(brackets).diagnostics.isEmpty)
    }

    @Test func strayClosingBraceIsReportedAndSkipped() {
        #expect(errors("} show users; }") == ["1:1: expected a statement, found '}'", "1:15: expected a statement, found '}'"])
        #expect(parse("} show users;").statements.count == 1)
    }
}
