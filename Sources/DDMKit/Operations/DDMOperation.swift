import Foundation

/// One DDM API call, fully described as data: the request encoding tests
/// compare these without a network.
public struct DDMOperation<Response: Decodable & Sendable>: Sendable {
    /// Human name used in errors and logs, e.g. `modify account`.
    public var name: String
    public var method: String
    /// Path with each segment percent-encoded.
    public var path: String
    public var query: [(String, String)]
    public var body: [UInt8]?
    public var repeatability: Repeatability
    /// A POST that changes nothing (a check of what it posts): not a write for the audit log.
    public var checksOnly: Bool

    public init(name: String, method: String, path: String, query: [(String, String)] = [],
                body: [UInt8]? = nil, repeatability: Repeatability, checksOnly: Bool = false) {
        self.name = name; self.method = method; self.path = path
        self.query = query; self.body = body; self.repeatability = repeatability; self.checksOnly = checksOnly
    }

    public var bodyText: String? { body.map { String(decoding: $0, as: UTF8.self) } }
}

/// What may happen to a call after an answer that leaves it unknown whether
/// it took effect (5xx, dropped connection). Rejections that certainly did not
/// apply it (429, 409 busy) are repeated for every kind.
public enum Repeatability: Sendable {
    /// Reads, full-state writes and deletes: repeating gives the same end state.
    case safe
    /// Creates: never repeated blindly. The check looks for the object; when it
    /// exists it returns the create's answer rebuilt from it, otherwise nil and
    /// the call is repeated.
    case create(check: @Sendable (DDMClient) async throws -> (any Sendable)?)
    /// Not repeated after an ambiguous failure (e.g. restart).
    case once
}

extension Repeatability {
    /// The same rule for a call whose answer has another type: a found object is handed back as
    /// `answer` makes it, so the caller receives its own answer type.
    func answering(_ answer: @escaping @Sendable (any Sendable) -> (any Sendable)?) -> Repeatability {
        guard case .create(let check) = self else { return self }
        return .create { client in try await check(client).flatMap(answer) }
    }
}

/// JSON bodies: sorted keys so that a body is one exact byte string (tests and signing).
enum JSONBody {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain Codable structs of strings, ints and arrays cannot fail.
        return Array(try! encoder.encode(value))
    }
}

/// Path building: every caller-supplied segment is percent-encoded.
enum PathBuilder {
    static func path(_ segments: String...) -> String {
        "/" + segments.map { CanonicalQueryEncoding.segment($0) }.joined(separator: "/")
    }
}

/// Query pairs for paging; only set values are sent.
func pageQuery(offset: Int?, limit: Int?) -> [(String, String)] {
    var q: [(String, String)] = []
    if let offset { q.append(("offset", String(offset))) }
    if let limit { q.append(("limit", String(limit))) }
    return q
}
