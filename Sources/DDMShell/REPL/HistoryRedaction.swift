import DDMLanguage

/// What goes into the history file: secret literals become `prompt`, so a
/// recalled statement asks again instead of replaying (or storing) the secret.
enum HistoryRedaction {
    static func redact(_ text: String) -> String {
        let source = SourceFile(name: "<history>", text: text)
        let tokens = Lexer.tokenize(source).tokens
        var bytes = Array(text.utf8)
        for token in tokens.reversed() {
            if case .secret = token.kind {
                bytes.replaceSubrange(token.range.start..<token.range.end, with: Array("prompt".utf8))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
