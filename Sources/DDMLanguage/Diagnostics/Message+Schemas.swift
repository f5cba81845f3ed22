/// The rules of schemas: their shards, SQL blacklists and resharding.
public enum SchemaMessage: Sendable, Equatable {
    /// `mode single`: one shard on one RDS instance.
    case singleModeShape
    /// `mode cluster`: at least one shard per RDS instance, at most 64 on each.
    case shardsForNodes(Int, nodes: Int)
    case blacklistEntryEmpty
    /// ';' separates a blacklist's entries on the wire, so an entry cannot hold one.
    case blacklistEntrySemicolon(String)
    case notRegularExpression(String)
    /// DDM keeps 1 KB per blacklist kind.
    case blacklistTooLarge(bytes: Int)
    /// A reshard's switch window starts at hh:mm:ss.
    case invalidSwitchTime(String)
    /// A reshard's target: at most 64 shards per schema.
    case reshardShardsOutOfRange(Int)
    /// A reshard that changes nothing.
    case reshardNeedsChange

    var text: String {
        switch self {
        case .singleModeShape: "a single-mode schema has 1 shard on 1 RDS instance"
        case .shardsForNodes(let n, let nodes): "\(n) shard\(n == 1 ? "" : "s") on \(nodes) RDS instance\(nodes == 1 ? "" : "s"): use \(nodes) to \(nodes * 64)"
        case .blacklistEntryEmpty: "a blacklist entry cannot be empty"
        case .blacklistEntrySemicolon(let entry): "a blacklist entry cannot hold ';' (it separates the entries on the wire): '\(entry)'"
        case .notRegularExpression(let text): "'\(text)' is not a regular expression"
        case .blacklistTooLarge(let bytes): "a blacklist kind holds at most 1 KB (1024 bytes); this one is \(bytes)"
        case .invalidSwitchTime(let got): "a switch time is hh:mm:ss, such as '02:00:00' (got '\(got)')"
        case .reshardShardsOutOfRange(let n): "a schema has 1 to 64 shards (got \(n))"
        case .reshardNeedsChange: "reshard needs more shards (shards <n>), more data nodes (add rds …), or both"
        }
    }

    static let samples: [SchemaMessage] = [
        .singleModeShape, .shardsForNodes(7, nodes: 1), .shardsForNodes(7, nodes: 7), .blacklistEntryEmpty, .blacklistEntrySemicolon("x"),
        .notRegularExpression("x"), .blacklistTooLarge(bytes: 7), .invalidSwitchTime("x"), .reshardShardsOutOfRange(7), .reshardNeedsChange,
    ]
}
