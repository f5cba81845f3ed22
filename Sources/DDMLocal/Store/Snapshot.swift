import Foundation
import GRDB

/// An instance's metadata (its schemas' and accounts' rows) as JSON: what a metadata backup holds
/// and a restore puts on another instance.
enum Snapshot {
    static let tables = ["schema", "account"]

    static func take(_ db: Database, instance: String) throws -> String {
        var out: [String: [[String: Any]]] = [:]
        for table in tables {
            out[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE instance_id = ?", arguments: [instance]).map { row in
                var d: [String: Any] = [:]
                for column in row.columnNames where column != "instance_id" {
                    switch row[column] as DatabaseValue {
                    case let v where v.isNull: d[column] = NSNull()
                    case let v: d[column] = (Int64.fromDatabaseValue(v) as Any?) ?? (Double.fromDatabaseValue(v) as Any?) ?? String.fromDatabaseValue(v) ?? NSNull()
                    }
                }
                return d
            }
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: [[String: Any]]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: [[String: Any]]] ?? [:]
    }

    /// The data nodes the snapshot's schemas use, in a stable order.
    static func dataNodes(_ snapshot: [String: [[String: Any]]]) -> [String] {
        let used = (snapshot["schema"] ?? []).flatMap { JSONColumn.decode(($0["used_rds"] as? String) ?? "[]") as [String] }
        return Array(Set(used)).sorted()
    }

    /// Writes the snapshot's rows onto `instance`, each schema's data nodes mapped by `nodes`.
    static func restore(_ db: Database, _ snapshot: [String: [[String: Any]]], to instance: String, nodes: [String: String]) throws {
        for table in tables {
            for var row in snapshot[table] ?? [] {
                row["instance_id"] = instance
                if table == "schema" {
                    let used: [String] = JSONColumn.decode((row["used_rds"] as? String) ?? "[]")
                    row["used_rds"] = JSONColumn.encode(used.map { nodes[$0] ?? $0 })
                    row["status"] = "RUNNING"; row["settle_at"] = NSNull(); row["settle_status"] = NSNull()
                }
                let columns = row.keys.sorted()
                let values: [DatabaseValueConvertible?] = columns.map { c in
                    switch row[c] {
                    case let n as NSNumber: return n.doubleValue == n.doubleValue.rounded() ? n.int64Value : n.doubleValue
                    case let s as String: return s
                    default: return nil
                    }
                }
                try db.execute(sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                               arguments: StatementArguments(values))
            }
        }
    }
}
