import DDMLanguage

/// What goes into the history file: secret literals become `prompt`, so a
/// recalled statement asks again instead of replaying (or storing) the secret.
enum HistoryRedaction {
    static func redact(_ text: String) -> String {
        var bytes = Array(text.utf8)
        for r in SecretMask.ranges(in: text).reversed() {
            bytes.replaceSubrange(r.start..<r.end, with: Array("prompt".utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A meta-command as the history keeps it; nil keeps nothing. `\\set NAME VALUE` may hold
    /// anything (a password to pass on, say): only its name is kept.
    static func redactMeta(_ line: String) -> String? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        if words.first.map({ $0.lowercased() }) == "\\set", words.count > 2 { return "\\set " + words[1] }
        return redact(line)
    }
}
