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

    public static func text(_ topic: String?) -> String {
        let chosen = topic.map { t in entries.filter { $0.topic.hasPrefix(t.lowercased()) || $0.topic.contains(t.lowercased()) } } ?? entries
        if chosen.isEmpty { return "no help for '\(topic ?? "")'; topics: " + entries.map(\.topic).joined(separator: ", ") }
        return chosen.map { entry in
            entry.topic + entry.lines.map { "\n  \($0.syntax)\n  e.g. \($0.example)" }.joined()
        }.joined(separator: "\n\n")
    }
}
