import Foundation

/// How DDMKit reads an answer that its models do not match exactly.
///
/// DDM's sources disagree on shapes (the SDK's models, the API reference's examples, what a region
/// sends): a port is a string in the SDK and a number in an example, `need_restart` a bool in one
/// model and `"true"` in an example, an empty list `null` or absent. A strict decoder turns any of
/// these into a lost statement. So an answer is first read strictly (fast, and exactly the models'
/// types); only when that fails is it read again by `LenientJSON`, which:
///
/// - reads numbers as strings and strings as numbers (`"5066"` ↔ `5066`), and booleans from
///   `true`/`false`, `"true"`/`"false"`, `"1"`/`"0"` and `1`/`0`;
/// - reads a list that is `null` or absent as empty (at any depth, for every model);
/// - reads an optional scalar it cannot make sense of as absent (unknown), not as a failure;
/// - ignores unknown keys (as the strict decoder does) and converts snake case keys to camel case
///   (as `JSONDecoder.ddm` does), so both key spellings keep reading alike.
///
/// What it does not do is invent a value: a field a model requires and the answer lacks is still
/// an error, so a model's optionality is what decides (docs/client.md, "Reading answers").
enum LenientJSON {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let value = try JSONDecoder().decode(JSONValue.self, from: data)
        return try T(from: LenientDecoder(value: value, codingPath: []))
    }
}

/// JSON as parsed, before any type is imposed; a number keeps its literal text.
enum JSONValue: Decodable, Sendable {
    case null, bool(Bool), number(String), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int64.self) { self = .number(String(i)); return }
        if let d = try? c.decode(Double.self) { self = .number(String(d)); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        let o = try decoder.container(keyedBy: AnyKey.self)
        var object: [String: JSONValue] = [:]
        for key in o.allKeys {
            let name = Self.camelCase(key.stringValue)
            // Both spellings of one key: the first read stands (they carry the same field).
            if object[name] == nil { object[name] = try o.decode(JSONValue.self, forKey: key) }
        }
        self = .object(object)
    }

    /// `JSONDecoder.KeyDecodingStrategy.convertFromSnakeCase`'s rule: a key without `_` is kept,
    /// otherwise the words after the first are capitalised; leading and trailing `_` stay.
    static func camelCase(_ key: String) -> String {
        guard key.contains("_") else { return key }
        let leading = key.prefix { $0 == "_" }
        let trailing = String(key.reversed().prefix { $0 == "_" })
        let core = key.dropFirst(leading.count).dropLast(trailing.count)
        let words = core.split(separator: "_")
        guard let first = words.first else { return key }
        return leading + first + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined() + trailing
    }

    var isNull: Bool { if case .null = self { return true } else { return false } }

    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

/// A list type: absent or `null` reads as empty.
protocol EmptyWhenAbsent {}
extension Array: EmptyWhenAbsent {}

private struct LenientDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch([String: Any].self) }
        return KeyedDecodingContainer(LenientKeyed<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        switch value {
        case .array(let items): return LenientUnkeyed(items: items, codingPath: codingPath)
        case .null: return LenientUnkeyed(items: [], codingPath: codingPath)
        default: throw mismatch([Any].self)
        }
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }

    func mismatch(_ type: Any.Type) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(type), found \(value.kind)"))
    }

    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        switch value {
        case .bool(let b): return b
        case .number(let n) where n == "0" || n == "1": return n == "1"
        case .string(let s):
            switch s.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: throw mismatch(type)
            }
        default: throw mismatch(type)
        }
    }

    func decode(_ type: String.Type) throws -> String {
        switch value {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: throw mismatch(type)
        }
    }

    private var numberText: String? {
        switch value {
        case .number(let n): return n
        case .string(let s): return s.trimmingCharacters(in: .whitespaces)
        default: return nil
        }
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let t = numberText, let d = Double(t) else { throw mismatch(type) }
        return d
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard let t = numberText else { throw mismatch(type) }
        if let i = I(t) { return i }
        // "5066.0": a whole number written as a decimal.
        if let d = Double(t), d.rounded() == d, let i = I(exactly: d) { return i }
        throw mismatch(type)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}

private struct LenientKeyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: JSONValue]
    let codingPath: [CodingKey]

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }
    func decodeNil(forKey key: Key) throws -> Bool { object[key.stringValue]?.isNull ?? true }

    private func child(_ key: Key, _ type: Any.Type) throws -> LenientDecoder {
        guard let v = object[key.stringValue] else {
            // A list the answer left out is empty; any other missing field is the model's call.
            guard type is EmptyWhenAbsent.Type else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
            }
            return LenientDecoder(value: .null, codingPath: codingPath + [key])
        }
        return LenientDecoder(value: v, codingPath: codingPath + [key])
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let d = try child(key, type)
        if d.value.isNull, !(type is EmptyWhenAbsent.Type) {
            throw DecodingError.valueNotFound(type, .init(codingPath: d.codingPath, debugDescription: "\(key.stringValue) is null"))
        }
        return try T(from: d)
    }

    /// A scalar that cannot be read as the field's type is unknown, not a failed answer.
    private func scalar<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        guard let v = object[key.stringValue], !v.isNull else { return nil }
        do { return try T(from: LenientDecoder(value: v, codingPath: codingPath + [key])) } catch DecodingError.typeMismatch { return nil }
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try required(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try required(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try required(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try required(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try required(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try required(type, key) }

    private func required<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        guard let v = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
        }
        guard !v.isNull else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key], debugDescription: "\(key.stringValue) is null"))
        }
        return try T(from: LenientDecoder(value: v, codingPath: codingPath + [key]))
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try scalar(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try scalar(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try scalar(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try scalar(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try scalar(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try scalar(type, key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key, [String: Any].self).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try LenientDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> Decoder { LenientDecoder(value: .object(object), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> Decoder { LenientDecoder(value: object[key.stringValue] ?? .null, codingPath: codingPath + [key]) }
}

private struct LenientUnkeyed: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [CodingKey]
    var currentIndex = 0

    init(items: [JSONValue], codingPath: [CodingKey]) { self.items = items; self.codingPath = codingPath }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> LenientDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "the list has no more items"))
        }
        defer { currentIndex += 1 }
        return LenientDecoder(value: items[currentIndex], codingPath: codingPath + [AnyKey(intValue: currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: try next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> Decoder { try next() }
}

/// A text field every statement reads (an instance's or a job's status) that the SDK does not
/// promise: an answer without it reads as `unknown`, which no wait mistakes for done and no table
/// shows as a fact.
@propertyWrapper
public struct UnknownIfAbsent: Decodable, Sendable, Equatable, Hashable {
    public static let unknown = "unknown"
    public var wrappedValue: String

    public init(wrappedValue: String) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? Self.unknown : (try? c.decode(String.self)) ?? Self.unknown
    }
}

extension KeyedDecodingContainer {
    /// Absent reads as unknown: the synthesized decoders call this overload for the wrapper.
    public func decode(_ type: UnknownIfAbsent.Type, forKey key: Key) throws -> UnknownIfAbsent {
        try decodeIfPresent(type, forKey: key) ?? UnknownIfAbsent(wrappedValue: UnknownIfAbsent.unknown)
    }
}

extension KeyedDecodingContainer {
    /// A text field read whatever the answer typed it as (a job id sent as a number is still the
    /// job id); nil when absent, null or not a scalar. For the tolerant answers whose own
    /// decoders take anything (`JobAnswer`), which the lenient reading never gets to retry.
    func text(_ key: Key) -> String? {
        if let s = try? decodeIfPresent(String.self, forKey: key) { return s }
        if let i = try? decodeIfPresent(Int64.self, forKey: key) { return String(i) }
        if let d = try? decodeIfPresent(Double.self, forKey: key) { return String(d) }
        return nil
    }
}
