/// `help` and `help <topic>`: the catalogue's syntax and examples (`Help`). Needs no service.
struct HelpStatement: StatementSyntax, Step, Equatable {
    var topic: String?

    /// help [<topic>]
    static func parse(_ p: inout Parser) throws -> Self {
        if case .word(let w) = p.current.kind { p.advance(); return Self(topic: w.lowercased()) }
        return Self(topic: nil)
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { self }

    var id: StatementID { .help }
    var text: String { "help\(topic.map { " " + $0 } ?? "")" }
    var calls: [PlannedCall] { [] }

    func run(in e: isolated Evaluator) async throws -> String? {
        await e.sink.message(Help.text(topic))
        return nil
    }
}

extension Plan {
    /// What a plan of nothing but `help` prints, one text per statement; nil for any other plan,
    /// which needs the service.
    public var helpOnly: [String]? {
        var texts: [String] = []
        for s in steps {
            guard let help = s.step as? HelpStatement else { return nil }
            texts.append(Help.text(help.topic))
        }
        return texts
    }
}
