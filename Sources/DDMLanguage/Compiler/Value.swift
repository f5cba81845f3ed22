/// A script value: `let` binds these, `for` iterates them.
public indirect enum Value: Sendable, Equatable {
    case string(String)
    case number(Int)
    case list([Value])

    /// Parses a `-v name=value` command-line value: a comma list becomes a list.
    public static func fromCommandLine(_ text: String) -> Value {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count > 1 { return .list(parts.map { Int($0).map(Value.number) ?? .string($0) }) }
        return Int(text).map(Value.number) ?? .string(text)
    }

    var flattened: [String] {
        switch self {
        case .string(let s): [s]
        case .number(let n): [String(n)]
        case .list(let items): items.flatMap(\.flattened)
        }
    }
}

import Foundation
