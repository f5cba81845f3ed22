extension StatementID {
    public static let letBinding = Self("letBinding"), forLoop = Self("forLoop"), source = Self("source"), explain = Self("explain")
    public static let setOnError = Self("setOnError"), help = Self("help")
}

/// The statements about the script itself: names (`let`), loops (`for`), other files
/// (`source`), and what the run does (`explain`, `set on_error`, `help`). `let`, `for` and
/// `source` are gone once compiled: they expand to the steps they stand for.
enum ScriptStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.letBinding, topic: "let", path: ["let"], grammar: "let <name> = <value>;  (string, number, list, lines('file'))",
                       example: "let team = (alice, bob, carol);", words: ["lines"]),
        StatementEntry(.forLoop, topic: "for", path: ["for"], grammar: "for <x> in <list> { <statements> }",
                       example: "for u in $team { grant SELECT on orders to $u; }", words: ["in"]),
        StatementEntry(.source, topic: "source", path: ["source"], grammar: "source '<file.ddm>';", example: "source 'onboarding.ddm';"),
        StatementEntry(.explain, topic: "explain", path: ["explain"], grammar: "explain <statement>",
                       example: "explain grant SELECT on orders to ddmtest;"),
        StatementEntry(.setOnError, topic: "set", path: ["set", "on_error"], grammar: "set on_error stop|continue;",
                       example: "set on_error continue;", words: ["stop", "continue"]),
        StatementEntry(.help, topic: "help", path: ["help"], grammar: "help [<topic>];", example: "help grant;"),
    ]

    static let rules = [
        ParseRule("let", Let.parse),
        ParseRule("for", ForLoop.parse),
        ParseRule("source", Source.parse),
        ParseRule("explain", Explain.parse),
        // At `set` itself, not `set on_error`: `set` followed by no other family's word is read as
        // this statement, and says that it expected `on_error`.
        ParseRule("set", SetOnError.parse),
        ParseRule("help", HelpStatement.parse),
    ]
}
