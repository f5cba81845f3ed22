import Foundation

/// A script read from a file, with the reason when it cannot be: a user given "cannot read" alone
/// has to guess between a typo, a directory and the wrong file.
enum ScriptFile {
    struct Problem: Error, CustomStringConvertible { var description: String }

    static func read(_ path: String) -> Result<String, Problem> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(Problem(description: "no such file"))
        }
        if isDirectory.boolValue { return .failure(Problem(description: "it is a directory")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Problem(description: FileManager.default.isReadableFile(atPath: path) ? "it cannot be read" : "permission denied"))
        }
        // A script is text: a NUL byte or bytes that are not UTF-8 mean the wrong file.
        // memchr, not Data's byte iterator: a million-statement script is read on --check's clock.
        let hasNUL = data.withUnsafeBytes { $0.baseAddress.map { memchr($0, 0, data.count) != nil } ?? false }
        guard !hasNUL, let text = String(data: data, encoding: .utf8) else {
            return .failure(Problem(description: "it is not a text file (binary or not UTF-8)"))
        }
        return .success(text)
    }
}
