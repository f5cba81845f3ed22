import Foundation

/// `SDK-HMAC-SHA256` signing and verification with one AK/SK pair.
public struct Signer: Sendable {
    public static let algorithm = "SDK-HMAC-SHA256"
    public static let dateFormat = "yyyyMMdd'T'HHmmss'Z'"

    public let accessKey: String
    private let secretKey: String

    public init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    public func stringToSign(_ canonical: CanonicalRequest, date: String) -> String {
        "\(Self.algorithm)\n\(date)\n\(Digest.sha256Hex(Array(canonical.text.utf8)))"
    }

    public func signature(_ canonical: CanonicalRequest, date: String) -> String {
        Digest.hmacSHA256Hex(key: secretKey, message: stringToSign(canonical, date: date))
    }

    /// The `Authorization` header value for a canonical request.
    public func authorization(_ canonical: CanonicalRequest, date: String) -> String {
        "\(Self.algorithm) Access=\(accessKey), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature(canonical, date: date))"
    }

    /// Constant-time comparison of a presented signature with the expected one.
    public func verify(_ canonical: CanonicalRequest, date: String, signature presented: String) -> Bool {
        let expected = Array(signature(canonical, date: date).utf8)
        let given = Array(presented.utf8)
        guard expected.count == given.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<expected.count { diff |= expected[i] ^ given[i] }
        return diff == 0
    }

    public static func formatDate(_ date: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    public static func parseDate(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = dateFormat
        return f.date(from: text)
    }
}

/// The parts of an `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` header.
public struct SignedAuthorization: Sendable, Equatable {
    public var accessKey: String
    public var signedHeaders: [String]
    public var signature: String

    public init?(header: String) {
        let prefix = Signer.algorithm + " "
        guard header.hasPrefix(prefix) else { return nil }
        var fields: [String: String] = [:]
        for part in header.dropFirst(prefix.count).split(separator: ",") {
            let kv = part.trimmingCharacters(in: .whitespaces)
            guard let eq = kv.firstIndex(of: "=") else { return nil }
            fields[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
        }
        guard let ak = fields["Access"], let sh = fields["SignedHeaders"], let sig = fields["Signature"],
              !ak.isEmpty, !sh.isEmpty, !sig.isEmpty else { return nil }
        accessKey = ak
        signedHeaders = sh.split(separator: ";").map(String.init)
        signature = sig
    }
}
