import Foundation

/// Any JSON value, compared by meaning (an object's keys in any order): how a saved plan keeps
/// what the service answered to a read, and tells what changed since.
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Compact JSON, for a message: at most 120 characters, so a changed list stays one line.
    var compact: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        return text.count <= 120 ? text : String(text.prefix(119)) + "…"
    }

    /// The differences from `self` to `now`, one line each (`users[name=bob].base_authority:
    /// ["SELECT"] → ["SELECT","INSERT"]`), at most `limit`. Elements of an array of objects are
    /// matched by their `name` or `id`, so one account added reads as that, not as every later
    /// element changed.
    func differences(to now: JSONValue, at path: String = "", limit: Int = 5) -> [String] {
        var out: [String] = []
        diff(self, now, path, &out, limit)
        return out
    }

    private static func key(_ v: JSONValue) -> String? {
        guard case .object(let o) = v else { return nil }
        for k in ["name", "id"] { if case .string(let s)? = o[k] { return "\(k)=\(s)" } }
        return nil
    }

    private func diff(_ a: JSONValue, _ b: JSONValue, _ path: String, _ out: inout [String], _ limit: Int) {
        guard out.count < limit, a != b else { return }
        let at = path.isEmpty ? "the answer" : path
        switch (a, b) {
        case (.object(let x), .object(let y)):
            for k in Set(x.keys).union(y.keys).sorted() {
                let p = path.isEmpty ? k : path + "." + k
                switch (x[k], y[k]) {
                case (nil, let v?): if out.count < limit { out.append("\(p): added \(v.compact)") }
                case (let v?, nil): if out.count < limit { out.append("\(p): removed (was \(v.compact))") }
                case (let v?, let w?): diff(v, w, p, &out, limit)
                default: break
                }
            }
        case (.array(let x), .array(let y)):
            let xk = x.map(Self.key), yk = y.map(Self.key)
            if !x.isEmpty || !y.isEmpty, !xk.contains(nil), !yk.contains(nil), Set(xk.compactMap { $0 }).count == x.count,
               Set(yk.compactMap { $0 }).count == y.count {
                let before = Dictionary(uniqueKeysWithValues: zip(xk.compactMap { $0 }, x))
                let after = Dictionary(uniqueKeysWithValues: zip(yk.compactMap { $0 }, y))
                for k in Set(before.keys).union(after.keys).sorted() {
                    let p = "\(path)[\(k)]"
                    switch (before[k], after[k]) {
                    case (nil, _?): if out.count < limit { out.append("\(p): added") }
                    case (_?, nil): if out.count < limit { out.append("\(p): removed") }
                    case (let v?, let w?): diff(v, w, p, &out, limit)
                    default: break
                    }
                }
            } else {
                out.append("\(at): \(a.compact) → \(b.compact)")
            }
        default:
            out.append("\(at): \(a.compact) → \(b.compact)")
        }
    }
}
