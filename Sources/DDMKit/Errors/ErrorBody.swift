import Foundation

/// Reads every error shape the reference lists (§4): DDM's `errCode/externalMessage`,
/// the gateway's `error_code/error_msg`, `errorCode/errorMsg`, `code/message`, and
/// any of them nested one object deep (IAM's `{"error": {...}}`).
enum ErrorBody {
    static func decode(status: Int, body: [UInt8], requestId: String?, operation: String?) -> DDMError {
        var code: String?
        var message: String?
        var bodyRequestId: String?
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] {
            (code, message) = find(in: object, depth: 0)
            bodyRequestId = object["request_id"] as? String
        }
        let fallback = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return DDMError(
            kind: .http, status: status, code: code,
            message: message ?? (fallback.isEmpty ? "HTTP \(status)" : fallback),
            requestId: requestId ?? bodyRequestId, operation: operation)
    }

    private static let pairs = [("errCode", "externalMessage"), ("error_code", "error_msg"),
                                ("errorCode", "errorMsg"), ("code", "message")]

    private static func find(in object: [String: Any], depth: Int) -> (String?, String?) {
        for (c, m) in pairs {
            let code = stringValue(object[c])
            let message = stringValue(object[m])
            if code != nil || message != nil { return (code, message) }
        }
        guard depth < 3 else { return (nil, nil) }
        for value in object.values {
            if let nested = value as? [String: Any] {
                let found = find(in: nested, depth: depth + 1)
                if found.0 != nil || found.1 != nil { return found }
            }
        }
        return (nil, nil)
    }

    private static func stringValue(_ any: Any?) -> String? {
        switch any {
        case let s as String: s
        case let n as NSNumber: n.stringValue
        default: nil
        }
    }
}
