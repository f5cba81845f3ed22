import Foundation

/// Data nodes (the RDS instances behind an instance): which can be used, and syncing their settings.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let dataNodes: [DDMOperationID] = [.syncDataNodes, .listAvailableRDS]

    public static let syncDataNodes = DDMOperationID("syncDataNodes", sdk: "update_database_info", v3: "sync_dn_information") { api, at in
        Routes(api.syncDataNodes(at.instance),
               v3: api.syncDataNodesV3(at.instance))
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
    public func listAvailableRDS(instance: String, offset: Int? = nil, limit: Int? = nil) async throws -> AvailableRDSPage {
        try await versioned(.listAvailableRDS, v3: {
            try await self.send(self.api.listAvailableRDSV3(instance: instance, offset: offset, limit: limit)).common
        }, older: { try await send(api.listAvailableRDS(instance: instance, offset: offset, limit: limit)) })
    }
    public func allAvailableRDS(instance: String) async throws -> [AvailableRDS] {
        try await Self.collectPages { offset, limit in
            let p = try await self.listAvailableRDS(instance: instance, offset: offset, limit: limit)
            return (p.instances, p.total)
        }
    }
}
