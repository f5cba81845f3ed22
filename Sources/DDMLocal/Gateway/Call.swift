import Foundation
import GRDB

/// One request as a handler sees it: path parameters, query, body, the time,
/// and the service's settings. Handlers run inside one write transaction.
struct Call: Sendable {
    var method: String
    var params: [String: String]
    var query: [String: String]
    var body: [UInt8]
    var now: Double
    var settings: ServiceSettings

    func param(_ name: String) -> String { params[name] ?? "" }

    /// A paging parameter: absent → default; present but not an int in range → DBS.280001.
    func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = query[name] else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw LocalError.parameter("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    /// `delete_rds_data`: `true`, `false`, or absent.
    func deleteRDSData() throws -> Bool? {
        guard let text = query["delete_rds_data"] else { return nil }
        switch text {
        case "true": return true
        case "false", "": return false
        default: throw LocalError.parameter("delete_rds_data must be true or false")
        }
    }

    /// A window given as epoch milliseconds, at most `days` apart, in epoch seconds; nil when
    /// neither end is given and it is not `required`.
    func window(_ startKey: String, _ endKey: String, days: Double, required: Bool) throws -> (Double, Double)? {
        guard let s = query[startKey], let e = query[endKey] else {
            if required { throw LocalError.parameter("\(startKey) and \(endKey) are required (epoch milliseconds)") }
            return nil
        }
        guard let start = Int64(s).map(Double.init), let end = Int64(e).map(Double.init) else { throw LocalError.parameter("\(startKey) and \(endKey) must be epoch milliseconds") }
        guard start <= end else { throw LocalError.parameter("\(startKey) must not be after \(endKey)") }
        guard end - start <= days * 86_400_000 else {
            throw LocalError(status: 400, code: "DBS.280001", message: "The interval between \(startKey) and \(endKey) must be no more than \(Int(days)) days.")
        }
        return (start / 1000, end / 1000)
    }

    var nowMillis: Int64 { Int64(now * 1000) }
}

/// A handler's answer.
struct Reply: Sendable {
    var status: Int = 200
    var headers: [(String, String)] = []
    var body: [UInt8]

    static func json<T: Encodable>(_ value: T, status: Int = 200) -> Reply {
        Reply(status: status, body: WireJSON.encode(value))
    }
}

typealias Handler = @Sendable (Call, Database) throws -> Reply

/// Settings every handler may consult.
struct ServiceSettings: Sendable {
    var projectId: String
    var createDelay: Double
    var maxAccounts: Int
    var extraBasePermissions: [String] = []
}

/// Formats for the three time styles DDM uses (§3).
enum WireTime {
    /// Instances: `2021-11-09T03:30:01+0000`.
    static func instance(_ epoch: Double) -> String { format(epoch, "yyyy-MM-dd'T'HH:mm:ssZ") }
    static func job(_ epoch: Double) -> String { format(epoch, "yyyy-MM-dd'T'HH:mm:ssZ") }
    /// Slow queries: `2024-10-26T07:30:00`, as OTC's example shows it.
    static func slowLog(_ epoch: Double) -> String { format(epoch, "yyyy-MM-dd'T'HH:mm:ss") }

    /// The instance style read back (`+0000` or `Z`), as epoch seconds.
    static func parse(_ text: String) -> Double? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        for pattern in ["yyyy-MM-dd'T'HH:mm:ssZ", "yyyy-MM-dd'T'HH:mm:ss.SSSZ"] {
            f.dateFormat = pattern
            if let d = f.date(from: text) { return d.timeIntervalSince1970 }
        }
        return nil
    }

    private static func format(_ epoch: Double, _ pattern: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = pattern
        return f.string(from: Date(timeIntervalSince1970: epoch))
    }
}

/// Ids in DDM's shapes (§0): 32 hex + a type suffix, or a UUID for jobs.
enum WireID {
    static func hex32() -> String { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }
    static func instance() -> String { hex32() + "in09" }
    static func node() -> String { hex32() + "no09" }
    static func group() -> String { hex32() + "gr09" }
    static func job() -> String { UUID().uuidString.lowercased() }
}
