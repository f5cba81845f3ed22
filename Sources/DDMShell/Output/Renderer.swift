import DDMLanguage
import Foundation
import Synchronization

/// Writes evaluator results to stdout in the chosen format; messages that are
/// not data go to stderr in JSON/CSV mode so stdout stays parseable.
public final class Renderer: OutputSink, Sendable {
    private let state: Mutex<State>
    private let out: @Sendable (String) -> Void
    private let err: @Sendable (String) -> Void
    /// Progress lines only on a terminal.
    private let showProgress: Bool
    public let color: Bool

    struct State { var format: OutputFormat; var progressShown = false }

    public init(format: OutputFormat, color: Bool, showProgress: Bool,
                out: @escaping @Sendable (String) -> Void = StandardStreams.out,
                err: @escaping @Sendable (String) -> Void = StandardStreams.err) {
        self.state = Mutex(State(format: format))
        self.color = color; self.showProgress = showProgress; self.out = out; self.err = err
    }

    public var format: OutputFormat {
        get { state.withLock { $0.format } }
        set { state.withLock { $0.format = newValue } }
    }

    private func clearProgress() {
        let shown = state.withLock { s in defer { s.progressShown = false }; return s.progressShown }
        if shown { err("\r\u{1B}[2K") }
    }

    public func table(_ table: ResultTable) async {
        clearProgress()
        switch format {
        case .table: out(Self.aligned(table, color: color))
        case .json: out(Self.json(table) + "\n")
        case .csv: out(Self.csv(table))
        }
    }

    public func message(_ text: String) async {
        clearProgress()
        switch format {
        case .table: out(text + "\n")
        case .json: out(Self.jsonString(["message": text]) + "\n")
        case .csv: err(text + "\n")
        }
    }

    /// Errors and diagnostics: always stderr.
    public func error(_ text: String) {
        clearProgress()
        err(text + (text.hasSuffix("\n") ? "" : "\n"))
    }

    public func progress(_ text: String?) async {
        guard showProgress else { return }
        if let text {
            state.withLock { $0.progressShown = true }
            err("\r\u{1B}[2K" + text)
        } else {
            clearProgress()
        }
    }

    // MARK: formats

    static func width(_ s: String) -> Int { s.count }

    /// A cell on one line: a comment's newline or tab would break the table's rows and columns.
    static func oneLine(_ s: String) -> String {
        guard s.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" }) else { return s }
        return s.replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\t", with: " ")
    }

    public static func aligned(_ t: ResultTable, color: Bool) -> String {
        var t = t
        t.rows = t.rows.map { $0.map(oneLine) }
        var lines: [String] = []
        if let title = t.title { lines.append(color ? "\u{1B}[1m\(title)\u{1B}[0m" : title) }
        var widths = t.columns.map(width)
        for row in t.rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], width(cell)) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 ? c : c + String(repeating: " ", count: max(0, widths[i] - width(c)))
            }.joined(separator: "  ").trimmingSuffix(while: \.isWhitespace)
        }
        let header = line(t.columns)
        lines.append(color ? "\u{1B}[1m\(header)\u{1B}[0m" : header)
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in t.rows { lines.append(line(row)) }
        lines.append("(\(t.rows.count) row\(t.rows.count == 1 ? "" : "s"))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Stable JSON: `{"title":…,"columns":[…],"rows":[{column: value}]}` with sorted keys; each
    /// value typed by its column's kind (a number, an array of names, a string, or null).
    public static func json(_ t: ResultTable) -> String {
        var doc: [String: Any] = [
            "columns": t.columns,
            "rows": t.rows.map { row in
                Dictionary(uniqueKeysWithValues: row.indices.filter { $0 < t.columns.count }.map { i in
                    (t.columns[i], jsonValue(row[i], i < t.kinds.count ? t.kinds[i] : .text))
                })
            },
        ]
        if let title = t.title { doc["title"] = title }
        return jsonString(doc)
    }

    static func jsonValue(_ cell: String, _ kind: ColumnKind) -> Any {
        switch kind {
        case .list:
            guard !cell.isEmpty, cell != "(none)" else { return [String]() }
            return cell.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case .number:
            let bare = cell.hasSuffix("%") ? String(cell.dropLast()) : cell
            if bare.isEmpty { return NSNull() }
            if let n = Int(bare) { return n }
            if let d = Double(bare) { return d }
            return cell
        case .text:
            return cell.isEmpty ? NSNull() : cell
        }
    }

    static func jsonString(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    public static func csv(_ t: ResultTable) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([t.columns] + t.rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

extension String {
    func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var s = Substring(self)
        while let last = s.last, predicate(last) { s = s.dropLast() }
        return String(s)
    }
}
