import Foundation

/// Data nodes (the RDS instances behind an instance): which can be used, and syncing their settings.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let dataNodes: [DDMOperationID] = [.syncDataNodes, .listAvailableRDS, .setReadWeights, .checkDataNodeConnection]

    public static let syncDataNodes = DDMOperationID("syncDataNodes", sdk: "update_database_info", v3: "sync_dn_information") { api, at in
        Routes(api.syncDataNodes(at.instance),
               v3: api.syncDataNodesV3(at.instance))
    }

    /// Read weights of data nodes and their read replicas. There is no call that reads them back.
    public static let setReadWeights = DDMOperationID("setReadWeights", sdk: "update_read_and_write_strategy",
                                                      v3: "batch_modify_read_write_strategy") { api, at in
        Routes(api.setReadWeights(instance: at.instance, [:]), v3: api.setReadWeightsV3(instance: at.instance, [:]))
    }

    /// Whether DDM can log in to data nodes with an account: a POST that changes nothing.
    public static let checkDataNodeConnection = DDMOperationID("checkDataNodeConnection", sdk: "check_data_node_connection", v3: nil,
                                                               checksOnly: true) { api, at in
        Routes(api.checkDataNodeConnection(instance: at.instance, []))
    }

    public static let listAvailableRDS = DDMOperationID("listAvailableRDS", sdk: "list_available_rds_list", v3: "list_available_rds") { api, at in
        Routes(api.listAvailableRDS(instance: at.instance),
               v3: api.listAvailableRDSV3(instance: at.instance))
    }
}

extension DDMAPI {
    /// `update_database_info` (OTC's API reference, "Synchronizing Data Node Information",
    /// ddm_api_01_0081): no body, answers `{instanceId, jobId}` (`UpdateDatabaseInfoResponse`).
    public func syncDataNodes(_ id: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "sync data nodes", method: "POST", path: v1("instances", id, "rds", "sync"), repeatability: .safe)
    }

    private struct ReadWeightBody: Encodable { var read_weight: [String: Int] }

    /// `update_read_and_write_strategy` (v2; OTC ddm_api_01_0080): `read_weight` maps each DB
    /// instance id (a primary or a read replica) to its weight; answers `{success, instance_id}`.
    public func setReadWeights(instance: String, _ weights: [String: Int]) -> DDMOperation<StrategyAnswer> {
        DDMOperation(name: "set read weights", method: "PUT", path: v2("instances", instance, "action", "read-write-strategy"),
                     body: JSONBody.encode(ReadWeightBody(read_weight: weights)), repeatability: .safe)
    }

    private struct ReadWeightListBody: Encodable { var read_weight_list: [[String: Int]] }

    /// `batch_modify_read_write_strategy` (v3): `read_weight_list`, a list of such maps (the SDK's
    /// `list[dict(str, int)]`; nothing says how to group them, so ddmsh sends one map with every
    /// weight, the v2 body in a list); answers `{success, request_id, data}`.
    func setReadWeightsV3(instance: String, _ weights: [String: Int]) -> DDMOperation<StrategyAnswer> {
        DDMOperation(name: "set read weights", method: "PUT", path: v3("instances", instance, "action", "batch-modify-read-write-strategy"),
                     body: JSONBody.encode(ReadWeightListBody(read_weight_list: [weights])), repeatability: .safe)
    }

    private struct ConnectionChecksBody: Encodable {
        struct Info: Encodable { var endpoint: String; var username: String; var password: String; var rds_instance_id: String }
        var infos: [Info]
    }

    /// `check_data_node_connection` (v3 only): `infos` of `{endpoint, username, password,
    /// rds_instance_id}` (`EsdbCheckRdsConnectionsRequestV3`); answers `rds_check_infos`.
    public func checkDataNodeConnection(instance: String, _ logins: [DataNodeLogin]) -> DDMOperation<DataNodeChecks> {
        let body = ConnectionChecksBody(infos: logins.map { .init(endpoint: $0.endpoint, username: $0.user, password: $0.password, rds_instance_id: $0.rds) })
        return DDMOperation(name: "check data node connection", method: "POST", path: v3("instances", instance, "rds", "connection"),
                            body: JSONBody.encode(body), repeatability: .safe)
    }

    public func listAvailableRDS(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<AvailableRDSPage> {
        DDMOperation(name: "list available rds", method: "GET", path: v1("instances", instance, "rds"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    /// `sync_dn_information`: no body, an empty answer (no job to follow).
    func syncDataNodesV3(_ id: String) -> DDMOperation<Empty> {
        DDMOperation(name: "sync data nodes", method: "POST", path: v3("instances", id, "data-nodes", "sync"), repeatability: .safe)
    }

    func listAvailableRDSV3(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<AvailableRDSPageV3> {
        DDMOperation(name: "list available rds", method: "GET", path: v3("instances", instance, "available-data-nodes"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }
}

extension DDMClient {
    /// Reads the data nodes' (RDS instances') settings again after a change on the RDS side;
    /// returns the job when the call is the v1 one (the v3 call answers nothing).
    public func syncDataNodes(instance id: String) async throws -> String? {
        try await versioned(.syncDataNodes, v3: { _ = try await self.send(self.api.syncDataNodesV3(id)); return nil },
                            older: { try await send(api.syncDataNodes(id)).jobId })
    }
    /// Weights 0 to 100, as OTC's user guide gives them ("Configuring Read Weights"; its error
    /// DBS.300315 says "greater than 0 and less than 100": docs/language.md, "Data nodes").
    public func setReadWeights(instance: String, _ weights: [String: Int]) async throws {
        guard !weights.isEmpty else { throw DDMError.invalid("name at least one data node and its weight") }
        if let (id, w) = weights.first(where: { !(0...100).contains($0.value) }) {
            throw DDMError.invalid("read weights are 0 to 100 (\(id): \(w))")
        }
        let answer = try await versioned(.setReadWeights, v3: { try await self.send(self.api.setReadWeightsV3(instance: instance, weights)) },
                                         older: { try await send(api.setReadWeights(instance: instance, weights)) })
        if answer.success == false {
            throw DDMError(kind: .http, status: 200, message: "the service answered that the read weights were not set", operation: "set read weights")
        }
    }
    /// Whether DDM can log in to each data node with the account given; one result per data node.
    public func checkDataNodeConnections(instance: String, _ logins: [DataNodeLogin]) async throws -> [DataNodeCheck] {
        guard !logins.isEmpty else { throw DDMError.invalid("name at least one data node to check") }
        return try await send(api.checkDataNodeConnection(instance: instance, logins)).rdsCheckInfos ?? []
    }
    public func listAvailableRDS(instance: String, offset: Int? = nil, limit: Int? = nil) async throws -> AvailableRDSPage {
        try await versioned(.listAvailableRDS, v3: {
            try await self.send(self.api.listAvailableRDSV3(instance: instance, offset: offset, limit: limit)).common
        }, older: { try await send(api.listAvailableRDS(instance: instance, offset: offset, limit: limit)) })
    }
    public func allAvailableRDS(instance: String) async throws -> [AvailableRDS] {
        try await collectPages { offset, limit in
            let p = try await self.listAvailableRDS(instance: instance, offset: offset, limit: limit)
            return (p.instances, p.total)
        }
    }
}

/// The answer of both read-weight calls: whether it worked (v2 adds `instance_id`, v3 `request_id`).
public struct StrategyAnswer: Decodable, Sendable, Equatable { public var success: Bool? }

/// An account to check on a data node: its address (`ip:port`) as the available list gives it.
public struct DataNodeLogin: Sendable, Equatable {
    public var rds: String
    public var endpoint: String
    public var user: String
    public var password: String
    public init(rds: String, endpoint: String, user: String, password: String) {
        self.rds = rds; self.endpoint = endpoint; self.user = user; self.password = password
    }
}

/// `CheckDataNodeConnectionResponse`.
public struct DataNodeChecks: Decodable, Sendable { public var rdsCheckInfos: [DataNodeCheck]? }

/// `CheckRdsConnectionResqVO`: `success` is a string in the SDK's model; a JSON boolean is taken too.
public struct DataNodeCheck: Decodable, Sendable, Equatable {
    public var rdsInstanceId: String?
    public var success: Bool
    public var errorCode: String?
    public var errorMessage: String?

    enum CodingKeys: String, CodingKey { case rdsInstanceId, success, errorCode, errorMessage }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rdsInstanceId = try c.decodeIfPresent(String.self, forKey: .rdsInstanceId)
        if let b = try? c.decode(Bool.self, forKey: .success) { success = b } else {
            success = (try c.decodeIfPresent(String.self, forKey: .success))?.lowercased() == "true"
        }
        errorCode = try c.decodeIfPresent(String.self, forKey: .errorCode)
        errorMessage = try c.decodeIfPresent(String.self, forKey: .errorMessage)
    }
}
