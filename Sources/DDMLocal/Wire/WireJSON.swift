import Foundation

/// JSON in and out of the service. Request bodies are read leniently into
/// `[String: Any]`-free typed structs so that a wrong type becomes a clean
/// `DBS.280001` naming the field, never a crash.
enum WireJSON {
    /// Whether a value from JSONSerialization was a JSON `true`/`false`. Not `is Bool`: on Linux
    /// every NSNumber holding 0 or 1 `is Bool`; only a JSON boolean is a `__NSCFBoolean`.
    static func isBoolean(_ value: Any) -> Bool {
        value is Bool && (type(of: value) == Bool.self || String(describing: type(of: value)) == "__NSCFBoolean")
    }

    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? e.encode(value)) ?? Data("{}".utf8))
    }

    /// A JSON object built as a dictionary (the v3 and administration answers). Absent values (a
    /// field the older answer did not have) are left out, not written as null.
    static func object(_ object: [String: Any]) throws -> [UInt8] {
        func present(_ value: Any) -> Any? {
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first?.value else { return nil }
                return present(wrapped)
            }
            if let d = value as? [String: Any] { return d.compactMapValues(present) }
            if let a = value as? [Any] { return a.compactMap(present) }
            return value
        }
        return Array(try JSONSerialization.data(withJSONObject: present(object) ?? [:], options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ body: [UInt8]) throws -> T {
        guard !body.isEmpty else { throw LocalError.parameter("the request body is empty") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw LocalError.parameter("missing field '\(path(ctx.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw LocalError.parameter("field '\(path(ctx.codingPath))' has the wrong type")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw LocalError.parameter("field '\(path(ctx.codingPath))' is null")
        } catch {
            throw LocalError.parameter("the request body is not valid JSON")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }
}
