/// A schema ("database" in the paths), as `list schemas` returns it.
public struct Schema: Decodable, Sendable, Equatable {
    public var name: String
    public var shardMode: String?
    public var shardNumber: Int?
    public var shardUnit: Int?
    public var status: String?
    public var created: Int64?
    public var usedRds: [SchemaRDS]?
}

public struct SchemaRDS: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var status: String?
    public var errorMsg: String?
}

public struct SchemaPage: Decodable, Sendable {
    public var databases: [Schema]
    public var total: Int?
}

/// `show schema`: the schema with its shards and data VIPs.
public struct SchemaDetail: Decodable, Sendable, Equatable {
    public var name: String
    public var created: Int64?
    public var updated: Int64?
    public var status: String?
    public var shardMode: String?
    public var shardNumber: Int?
    public var shardUnit: Int?
    public var dataVips: [String]?
    public var databases: [Shard]?
    public var usedRds: [SchemaRDS]?

    public struct Shard: Decodable, Sendable, Equatable {
        public var dbslot: Int?
        /// Optional in the SDK's `GetDatabases`, as v3's is.
        @UnknownIfAbsent public var name: String
        public var status: String?
        public var created: Int64?
        public var updated: Int64?
        public var id: String?
        public var idName: String?
    }
}

struct SchemaDetailEnvelope: Decodable, Sendable { var database: SchemaDetail? }

public enum ShardMode: String, Sendable, Codable { case cluster, single }

public struct CreateSchemaRequest: Encodable, Sendable, Equatable {
    public var name: String
    public var shardMode: ShardMode
    public var shardNumber: Int
    public var shardUnit: Int?
    public var usedRds: [RDSCredential]

    public init(name: String, shardMode: ShardMode, shardNumber: Int, shardUnit: Int? = nil, usedRds: [RDSCredential]) {
        self.name = name; self.shardMode = shardMode; self.shardNumber = shardNumber
        self.shardUnit = shardUnit; self.usedRds = usedRds
    }

    enum CodingKeys: String, CodingKey {
        case name, shardMode = "shard_mode", shardNumber = "shard_number", shardUnit = "shard_unit", usedRds = "used_rds"
    }
}

/// An RDS instance to host shards, with its admin login (camelCase keys on the wire).
public struct RDSCredential: Encodable, Sendable, Equatable {
    public var id: String
    public var adminUser: String
    public var adminPassword: String

    public init(id: String, adminUser: String, adminPassword: String) {
        self.id = id; self.adminUser = adminUser; self.adminPassword = adminPassword
    }
}

public struct CreateSchemaResult: Decodable, Sendable, Equatable {
    public var databases: [NameOnly]?
    public var jobId: String?
}

public struct JobOnly: Decodable, Sendable, Equatable {
    public var jobId: String?

    public init(jobId: String? = nil) { self.jobId = jobId }

    /// v1 `delete_database` is typed by the SDK as a bare string; the API reference's example is
    /// `{"job_id": …}`. Whatever the body is, the call succeeded; a job is read when there is one.
    public init(from decoder: Decoder) throws {
        enum Key: String, CodingKey { case jobId }
        jobId = (try? decoder.container(keyedBy: Key.self))?.text(.jobId)
    }
}

public struct NameOnly: Codable, Sendable, Equatable, Hashable {
    public var name: String
    public init(name: String) { self.name = name }
}
