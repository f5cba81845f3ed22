/// Schema wire types, from ddm-api.md §6.
struct CreateSchemasWire: Decodable {
    struct RDS: Decodable { var id: String; var adminUser: String; var adminPassword: String }
    struct Detail: Decodable {
        var name: String
        var shard_mode: String
        var shard_number: Int
        var shard_unit: Int?
        var used_rds: [RDS]
    }
    var databases: [Detail]
}

struct SchemaRDSWire: Encodable { var id: String; var name: String; var status: String }

struct SchemaWire: Encodable {
    var name: String
    var shard_mode: String
    var shard_number: Int
    var shard_unit: Int
    var status: String
    var created: Int64
    var used_rds: [SchemaRDSWire]
}

struct SchemaListWire: Encodable { var databases: [SchemaWire]; var total: Int }

struct SchemaDetailWire: Encodable {
    struct Shard: Encodable {
        var dbslot: Int; var name: String; var status: String; var created: Int64; var updated: Int64
        var id: String; var idName: String
    }
    var name: String
    var created: Int64
    var updated: Int64
    var status: String
    var shard_mode: String
    var shard_number: Int
    var shard_unit: Int
    var dataVips: [String]
    var databases: [Shard]
    var used_rds: [SchemaRDSWire]
}

struct SchemaShowWire: Encodable { var database: SchemaDetailWire }
struct CreateSchemasReplyWire: Encodable { var databases: [NameWire]; var job_id: String }
struct JobIdWire: Encodable { var job_id: String }
