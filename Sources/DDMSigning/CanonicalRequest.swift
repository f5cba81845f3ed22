import Crypto
import Foundation

/// The canonical form of an HTTP request that `SDK-HMAC-SHA256` signs
/// (ddm-api.md §1.2, steps 2–7).
public struct CanonicalRequest: Sendable, Equatable {
    public var method: String
    public var canonicalURI: String
    public var canonicalQuery: String
    public var canonicalHeaders: String
    public var signedHeaders: String
    public var payloadHash: String

    /// - Parameters:
    ///   - path: the request path as sent (percent-encoded or not).
    ///   - query: decoded key/value pairs, in any order.
    ///   - headers: every header sent; names are matched case-insensitively.
    ///   - signedHeaderNames: the names to sign; `nil` derives them from `headers`
    ///     (the client side); the server passes the list from `Authorization`.
    public init(
        method: String, path: String, query: [(String, String)], headers: [(String, String)],
        body: [UInt8], signedHeaderNames: [String]? = nil
    ) {
        self.method = method.uppercased()
        self.canonicalURI = Self.uri(path)
        self.canonicalQuery = Self.query(query)
        let names = signedHeaderNames ?? Self.signableNames(headers)
        var lookup: [String: String] = [:]
        for (name, value) in headers { lookup[name.lowercased()] = value }
        self.canonicalHeaders = names.map { "\($0):\((lookup[$0] ?? "").trimmingCharacters(in: .whitespaces))\n" }.joined()
        self.signedHeaders = names.joined(separator: ";")
        if let given = lookup["x-sdk-content-sha256"] {
            self.payloadHash = given
        } else {
            self.payloadHash = Digest.sha256Hex(body)
        }
    }

    public var text: String {
        [method, canonicalURI, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
    }

    /// Decoded path → each segment re-encoded → always a trailing slash.
    static func uri(_ path: String) -> String {
        let decoded = PercentEncoding.decode(path)
        var result = decoded.split(separator: "/", omittingEmptySubsequences: false)
            .map { PercentEncoding.encode(String($0)) }
            .joined(separator: "/")
        if !result.hasSuffix("/") { result += "/" }
        return result
    }

    /// Sorted by key, then value; the same string is the wire query.
    public static func query(_ items: [(String, String)]) -> String {
        let encoded: [(key: String, value: String)] = items.map { item in
            (PercentEncoding.encode(item.0), PercentEncoding.encode(item.1))
        }
        let sorted = encoded.sorted { a, b in a.key == b.key ? a.value < b.value : a.key < b.key }
        return sorted.map { $0.key + "=" + $0.value }.joined(separator: "&")
    }

    /// Every header whose name has no `_`, lower-cased and sorted.
    static func signableNames(_ headers: [(String, String)]) -> [String] {
        Array(Set(headers.map { $0.0.lowercased() }.filter { !$0.contains("_") })).sorted()
    }
}

public enum Digest {
    public static func sha256Hex<D: DataProtocol>(_ data: D) -> String {
        SHA256.hash(data: data).hexString
    }

    public static func hmacSHA256Hex(key: String, message: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key.utf8)))
        return Data(mac).hexString
    }
}

extension Sequence where Element == UInt8 {
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension SHA256.Digest {
    var hexString: String { Array(self).hexString }
}
