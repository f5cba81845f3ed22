/// Reads lines of input: libedit on a terminal, plain reading otherwise.
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineInput
    func addHistory(_ entry: String)
    var history: [String] { get }
    func saveHistory()
}

public enum LineInput: Equatable {
    case line(String)
    /// Ctrl-D on an empty line, or the end of input.
    case endOfInput
    /// Ctrl-C: the current line is abandoned.
    case interrupted
}

/// Suggests completions for the word before the cursor.
public protocol CompletionSource: AnyObject {
    /// - Returns: candidates for the word that ends at the end of `prefix`.
    func complete(prefix: String) -> [String]
}

/// Reads lines from stdin without prompts or escape codes (pipes, files).
public final class PlainLineReader: LineReader {
    public private(set) var history: [String] = []
    public init() {}
    public func readLine(prompt: String) -> LineInput {
        guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
        return .line(line)
    }
    public func addHistory(_ entry: String) { history.append(entry) }
    public func saveHistory() {}
}
