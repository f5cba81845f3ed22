import Foundation

/// A schema's SQL blacklist, unbinding a schema, and the instance's schema metadata as a file
/// (export and import). v3 only.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (method, path, query and body from the SDK's `_<op>_http_info` and request models,
/// `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let schemaExtras: [DDMOperationID] = [.showSQLBlacklist, .modifySQLBlacklist, .unbindSchema, .downloadSchemaMetadata, .uploadSchemaMetadata]

    public static let showSQLBlacklist = DDMOperationID("showSQLBlacklist", sdk: "list_sql_black", v3: nil) { api, at in
        Routes(api.showSQLBlacklist(instance: at.instance, schema: at.object ?? "{logic_db_name}"))
    }
    public static let modifySQLBlacklist = DDMOperationID("modifySQLBlacklist", sdk: "modify_sql_black_list", v3: nil) { api, at in
        Routes(api.modifySQLBlacklist(instance: at.instance, schema: at.object ?? "{logic_db_name}", SQLBlacklist()))
    }
    public static let unbindSchema = DDMOperationID("unbindSchema", sdk: "unbind_logic_db", v3: nil) { api, at in
        Routes(api.unbindSchema(instance: at.instance, schema: at.object ?? "{logic_db_name}"))
    }
    public static let downloadSchemaMetadata = DDMOperationID("downloadSchemaMetadata", sdk: "download_schema_metadata", v3: nil) { api, at in
        Routes(api.downloadSchemaMetadata(instance: at.instance))
    }
    public static let uploadSchemaMetadata = DDMOperationID("uploadSchemaMetadata", sdk: "upload_schema_metadata", v3: nil) { api, at in
        Routes(api.uploadSchemaMetadata(instance: at.instance, SchemaMetadata(compressedDatabasesInfo: "", dataNodes: []), admins: []))
    }
}

extension DDMAPI {
    public func showSQLBlacklist(instance: String, schema: String) -> DDMOperation<SQLBlacklist> {
        DDMOperation(name: "show SQL blacklist", method: "GET", path: v3("instances", instance, "databases", schema, "sql-black-list"), repeatability: .safe)
    }

    private struct BlacklistBody: Encodable {
        var sql_black_list_prefix_check: String
        var sql_black_list_full_check: String
        var sql_black_list_regex_check: String
    }

    /// `modify_sql_black_list` (`ConfigSqlBlacklistReqV3VO`): the whole list, all three kinds.
    public func modifySQLBlacklist(instance: String, schema: String, _ list: SQLBlacklist) -> DDMOperation<SQLBlacklist> {
        DDMOperation(name: "modify SQL blacklist", method: "PUT", path: v3("instances", instance, "databases", schema, "sql-black-list"),
                     body: JSONBody.encode(BlacklistBody(sql_black_list_prefix_check: list.prefix.joined(separator: SQLBlacklist.separator),
                                                         sql_black_list_full_check: list.full.joined(separator: SQLBlacklist.separator),
                                                         sql_black_list_regex_check: list.regex.joined(separator: SQLBlacklist.separator))),
                     repeatability: .safe)
    }

    public func unbindSchema(instance: String, schema: String) -> DDMOperation<Empty> {
        DDMOperation(name: "unbind schema", method: "POST", path: v3("instances", instance, "databases", schema, "unbind"), repeatability: .once)
    }

    public func downloadSchemaMetadata(instance: String) -> DDMOperation<SchemaMetadataAnswer> {
        DDMOperation(name: "export schema metadata", method: "GET", path: v3("instances", instance, "schema-metadata"), repeatability: .safe)
    }

    private struct UploadBody: Encodable {
        struct Node: Encodable { var dn_instance_id: String; var admin_user: String; var admin_password: String }
        var compressed_databases_info: String
        var dn_instance: [Node]
    }

    /// `upload_schema_metadata` (`LoadSchemaMetadataReq`): the file's metadata, and an
    /// administrator of each data node it names.
    public func uploadSchemaMetadata(instance: String, _ metadata: SchemaMetadata, admins: [DataNodeAdmin]) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "import schema metadata", method: "POST", path: v3("instances", instance, "schema-metadata"),
                     body: JSONBody.encode(UploadBody(compressed_databases_info: metadata.compressedDatabasesInfo,
                                                      dn_instance: admins.map { .init(dn_instance_id: $0.id, admin_user: $0.user, admin_password: $0.password) })),
                     repeatability: .once)
    }
}

extension DDMClient {
    public func sqlBlacklist(instance: String, schema: String) async throws -> SQLBlacklist {
        try await send(api.showSQLBlacklist(instance: instance, schema: schema))
    }
    @discardableResult
    public func setSQLBlacklist(instance: String, schema: String, _ list: SQLBlacklist) async throws -> SQLBlacklist {
        try await send(api.modifySQLBlacklist(instance: instance, schema: schema, list))
    }
    public func unbindSchema(instance: String, schema: String) async throws {
        _ = try await send(api.unbindSchema(instance: instance, schema: schema))
    }
    public func schemaMetadata(instance: String) async throws -> SchemaMetadata {
        let a = try await send(api.downloadSchemaMetadata(instance: instance))
        guard let packed = a.compressedDatabasesInfo else { throw DDMError.emptyAnswer("export schema metadata", "the schemas' metadata") }
        return SchemaMetadata(compressedDatabasesInfo: packed, dataNodes: a.dataNodes)
    }
    public func importSchemaMetadata(instance: String, _ metadata: SchemaMetadata, admins: [DataNodeAdmin]) async throws -> JobAnswer {
        try await send(api.uploadSchemaMetadata(instance: instance, metadata, admins: admins))
    }
}

/// A schema's SQL blacklist (`ListSqlBlackResponse`): statements refused by prefix, by full
/// text, and by regular expression. On the wire each kind is one string; the user guides
/// disagree on the separator (commas in the 2022 guides, semicolons in the 2025 one), so ddmsh
/// sends semicolons, the newest guide's, and reads either (docs/language.md, "Schema extras").
public struct SQLBlacklist: Decodable, Sendable, Equatable {
    public static let separator = ";"
    public var prefix: [String]
    public var full: [String]
    public var regex: [String]

    public init(prefix: [String] = [], full: [String] = [], regex: [String] = []) {
        self.prefix = prefix; self.full = full; self.regex = regex
    }

    enum CodingKeys: String, CodingKey {
        case prefix = "sqlBlackListPrefixCheck", full = "sqlBlackListFullCheck", regex = "sqlBlackListRegexCheck"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func items(_ k: CodingKeys) throws -> [String] { Self.split(try c.decodeIfPresent(String.self, forKey: k) ?? "") }
        self.init(prefix: try items(.prefix), full: try items(.full), regex: try items(.regex))
    }

    /// One kind's string as items: split at semicolons; a string without one is one item, since
    /// a comma may be inside a statement.
    static func split(_ s: String) -> [String] {
        s.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}

/// `DownloadSchemaMetadataResponse`: the schemas' metadata as DDM packs it, and the data nodes
/// it refers to. ddmsh keeps it in a file as it came.
public struct SchemaMetadata: Codable, Sendable, Equatable {
    public struct DataNode: Codable, Sendable, Equatable {
        public var instanceId: String?
        public var instanceName: String?
        public var accessHost: String?
        public var accessPort: Int?
        public var engine: String?
        public var engineVersion: String?
    }
    public var compressedDatabasesInfo: String
    public var dataNodes: [DataNode]?

    public init(compressedDatabasesInfo: String, dataNodes: [DataNode]?) {
        self.compressedDatabasesInfo = compressedDatabasesInfo; self.dataNodes = dataNodes
    }
}

/// The answer as sent: the SDK makes every field optional; `schemaMetadata(instance:)` refuses
/// one without the metadata, which is what an export is for.
public struct SchemaMetadataAnswer: Decodable, Sendable {
    public var compressedDatabasesInfo: String?
    public var dataNodes: [SchemaMetadata.DataNode]?
}

/// An administrator of a data node, as a metadata import sends it.
public struct DataNodeAdmin: Sendable {
    public var id: String
    public var user: String
    public var password: String
    public init(id: String, user: String, password: String) { self.id = id; self.user = user; self.password = password }
}
