import Testing
@testable import DDMLanguage

@Suite struct LexerTests {
    func kinds(_ text: String) -> [Token.Kind] {
        Lexer.tokenize(SourceFile(name: "t", text: text)).tokens.map(\.kind)
    }

    @Test func grantStatement() {
        #expect(kinds("grant SELECT, INSERT on db_7350 to ddmtest;") == [
            .word("grant"), .word("SELECT"), .punct(","), .word("INSERT"), .word("on"), .word("db_7350"),
            .word("to"), .word("ddmtest"), .punct(";"), .eof,
        ])
    }

    @Test func rangesAreByteOffsets() {
        let tokens = Lexer.tokenize(SourceFile(name: "t", text: "use instance ddm-prod;")).tokens
        #expect(tokens[2].range == SourceRange(13, 21))
        #expect(tokens[2].kind == .word("ddm-prod"))
    }

    @Test func literalsVariablesAndQuotedNames() {
        #expect(kinds("let x = 'it''s'; $x \"Mixed Case\" `b` 42 ddm.c6.large.2") == [
            .word("let"), .word("x"), .punct("="), .string("it's"), .punct(";"), .variable("x"),
            .quotedName("Mixed Case"), .quotedName("b"), .number(42), .word("ddm.c6.large.2"), .eof,
        ])
    }

    @Test func aStringAfterPasswordIsASecret() {
        let k = kinds("create user u password 'Passw0rd!x' comment 'c';")
        #expect(k[4] == .secret(Secret("Passw0rd!x")))
        #expect(k[6] == .string("c"))
        #expect(kinds("PassWord 'x' passwords 'y'") == [.word("PassWord"), .secret(Secret("x")), .word("passwords"), .string("y"), .eof])
        #expect("\(Secret("Passw0rd!x"))" == "***")
        #expect(String(reflecting: Secret("Passw0rd!x")) == "Secret(***)")
    }

    @Test func numbersAreAllDigits() {
        #expect(kinds("42 1.5 12-3 4a 007") == [.number(42), .word("1.5"), .word("12-3"), .word("4a"), .number(7), .eof])
    }

    @Test func commentsAndShebang() {
        #expect(kinds("#!/usr/bin/env ddmsh\n-- a comment\nshow users; # trailing") == [.word("show"), .word("users"), .punct(";"), .eof])
        #expect(kinds("a--b") == [.word("a"), .eof])
    }

    @Test func badInputBecomesDiagnosticsNotCrashes() {
        let r = Lexer.tokenize(SourceFile(name: "t", text: "show @ users; 'open"))
        #expect(r.diagnostics.map(\.message) == ["unexpected character '@'", "unterminated string"])
        #expect(r.diagnostics[0].range == SourceRange(5, 6))
        // A digit string too large for a number is a word: a parameter value may be one; where a
        // count is needed the compiler says it is too large.
        let huge = Lexer.tokenize(SourceFile(name: "t", text: String(repeating: "9", count: 40)))
        #expect(huge.diagnostics.isEmpty && huge.tokens.first?.kind == .word(String(repeating: "9", count: 40)))
        var options = Compiler.Options()
        options.instanceSelected = true
        let shards = Compiler.compile(SourceFile(name: "t", text: "create schema s1 shards 99999999999999999999999 on rds r;"), options: options)
        #expect(shards.diagnostics.first?.message.contains("is too large for shards") == true, "\(shards.diagnostics.map(\.message))")
        let invalid = String(decoding: [0x73, 0xFF, 0xFE, 0x3B], as: UTF8.self)
        #expect(!Lexer.tokenize(SourceFile(name: "t", text: invalid)).diagnostics.isEmpty)
    }
}

@Suite struct SourceFileTests {
    @Test func linesAndColumns() {
        let f = SourceFile(name: "t", text: "one\ntwö three\n")
        #expect(f.location(0) == (1, 1))
        #expect(f.location(4) == (2, 1))
        #expect(f.location(10) == (2, 6))  // 'ö' is two bytes, one column
        #expect(f.line(2) == "twö three")
        #expect(f.line(9) == "")
    }
}

/// A parameter's value reaches the API as written: the API takes it as a string.
@Suite struct ParameterValueTests {
    @Test func valuesKeepTheirSourceText() throws {
        var options = Compiler.Options()
        options.instanceSelected = true
        let out = Compiler.compile(SourceFile(name: "t", text: "set parameter long_query_time = 05, max_allowed_packet = 99999999999999999999, sql_audit = ON;"),
                                   options: options)
        #expect(out.diagnostics.isEmpty, "\(out.diagnostics.map(\.message))")
        guard let set = out.plan.steps.first?.step as? SetParameters<Resolved> else { Issue.record("\(out.plan.steps)"); return }
        #expect(set.settings.map(\.value) == ["05", "99999999999999999999", "ON"])
        // Printed back, the values are strings that lex as themselves.
        #expect(set.text == "set parameter long_query_time = '05', max_allowed_packet = '99999999999999999999', sql_audit = 'ON'")
    }
}
