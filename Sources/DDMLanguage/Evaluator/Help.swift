/// `help` and `\\help`: every statement with its syntax and an example, from the statement
/// catalogue, and the topics that are not statements.
public enum Help {
    public struct Entry: Sendable {
        public var topic: String
        /// One line per statement under the topic, each with its example.
        public var lines: [(syntax: String, example: String)]
    }

    public static let entries: [Entry] = {
        var topics: [Entry] = []
        for e in StatementCatalog.entries {
            if let i = topics.firstIndex(where: { $0.topic == e.topic }) {
                topics[i].lines.append((e.grammar, e.example))
            } else {
                topics.append(Entry(topic: e.topic, lines: [(e.grammar, e.example)]))
            }
        }
        return topics + StatementCatalog.topics.map { Entry(topic: $0.topic, lines: [($0.syntax, $0.example)]) }
    }()

    /// `help;` lists the topics (one line each, with the statements under it); `help <topic>;` gives
    /// each statement's syntax, and an example where it says more than the syntax does.
    public static func text(_ topic: String?) -> String {
        guard let topic else { return overview }
        let t = topic.lowercased()
        let chosen = entries.filter { $0.topic == t }.isEmpty ? entries.filter { $0.topic.hasPrefix(t) || $0.topic.contains(t) }
            : entries.filter { $0.topic == t }
        if chosen.isEmpty { return "no help for '\(topic)'; topics: " + entries.map(\.topic).joined(separator: ", ") }
        return chosen.map { entry in
            entry.topic + entry.lines.map { line in
                "\n  \(line.syntax)" + (sameAsSyntax(line.example, line.syntax) ? "" : "\n  e.g. \(line.example)")
            }.joined()
        }.joined(separator: "\n\n")
    }

    /// Every topic on a line of its own, so the list fits a screen; the details are a topic away.
    static var overview: String {
        let width = entries.map(\.topic.count).max() ?? 0
        let lines = entries.map { entry -> String in
            let first = entry.lines.first?.syntax ?? ""
            var head = String(first.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces)
            if head.count > 64 { head = String(head.prefix(63)) + "…" }
            let more = entry.lines.count > 1 ? " (and \(entry.lines.count - 1) more)" : ""
            return "  " + entry.topic.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + head + more
        }
        return "Statements, by topic ('help <topic>;' for the syntax and an example; '\\help <topic>' in the shell):\n"
            + lines.joined(separator: "\n")
    }

    /// An example that only repeats the syntax (`show instances;`) is left out.
    static func sameAsSyntax(_ example: String, _ syntax: String) -> Bool {
        let bare = String(syntax.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces)
        return example.trimmingCharacters(in: .whitespaces) == bare
    }
}
