import Foundation

/// Masks secrets before anything is logged: auth headers and any JSON field
/// whose name mentions a password.
public enum Redaction {
    static let secretHeaders: Set<String> = ["x-auth-token", "x-subject-token", "x-security-token"]
    public static let mask = "***"

    public static func header(_ name: String, _ value: String) -> String {
        let lower = name.lowercased()
        if secretHeaders.contains(lower) { return mask }
        if lower == "authorization" {
            // Keep the AK and header list (useful when debugging), hide the signature.
            if let r = value.range(of: "Signature=") { return value[..<r.upperBound] + mask }
            return mask
        }
        return value
    }

    /// A request's headers for a trace. With a security token the access key is a temporary
    /// one, which is never shown either (docs/shell.md, "Credentials").
    public static func headers(_ headers: [(String, String)]) -> String {
        let temporary = headers.contains { $0.0.lowercased() == "x-security-token" }
        return headers.map { name, value in
            var shown = header(name, value)
            if temporary, name.lowercased() == "authorization", let r = shown.range(of: "Access=") {
                shown = String(shown[..<r.upperBound]) + mask + (shown[r.upperBound...].firstIndex(of: ",").map { String(shown[$0...]) } ?? "")
            }
            return "\(name): \(shown)"
        }.joined(separator: "; ")
    }

    public static func body(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
            return "<\(bytes.count) bytes>"
        }
        let masked = maskSecrets(object)
        guard let data = try? JSONSerialization.data(withJSONObject: masked, options: [.sortedKeys, .fragmentsAllowed]) else {
            return "<\(bytes.count) bytes>"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func maskSecrets(_ value: Any) -> Any {
        if let dict = value as? [String: Any] {
            var out: [String: Any] = [:]
            for (k, v) in dict {
                let lower = k.lowercased()
                out[k] = lower.contains("password") || lower == "token" && v is String || lower == "sk"
                    ? mask : maskSecrets(v)
            }
            return out
        }
        if let array = value as? [Any] { return array.map(maskSecrets) }
        return value
    }
}
