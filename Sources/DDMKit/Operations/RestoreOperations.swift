import Foundation

/// Restoring an instance's backups: to when and where it can be restored, a restore onto an
/// existing (empty) instance with new data nodes, and a metadata restore. v3 only (OTC API
/// reference, "Backup Management").
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (method, path, query and body from the SDK's `_<op>_http_info` and request models,
/// `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let restores: [DDMOperationID] = [.showRestoreWindow, .listRestoreTargets, .listRestoreDataNodes, .listRestoreTargetDataNodes,
                                             .restoreToInstance, .restoreMetadata]

    public static let showRestoreWindow = DDMOperationID("showRestoreWindow", sdk: "show_avalible_time", v3: nil) { api, at in
        Routes(api.showRestoreWindow(instance: at.instance))
    }
    public static let listRestoreTargets = DDMOperationID("listRestoreTargets", sdk: "show_avalible_ddms", v3: nil) { api, at in
        Routes(api.listRestoreTargets(instance: at.instance))
    }
    public static let listRestoreDataNodes = DDMOperationID("listRestoreDataNodes", sdk: "show_related_dns", v3: nil) { api, at in
        Routes(api.listRestoreDataNodes(instance: at.instance, at: nil))
    }
    public static let listRestoreTargetDataNodes = DDMOperationID("listRestoreTargetDataNodes", sdk: "show_avalible_rds", v3: nil) { api, at in
        Routes(api.listRestoreTargetDataNodes(instance: at.instance, target: "{target_instance_id}", source: "{source_dn_instance_id}", at: nil))
    }
    public static let restoreToInstance = DDMOperationID("restoreToInstance", sdk: "restore2_exist", v3: nil) { api, at in
        Routes(api.restoreToInstance(instance: at.instance, target: at.object ?? "", at: 0, nodes: [:]))
    }
    public static let restoreMetadata = DDMOperationID("restoreMetadata", sdk: "restore_metadata", v3: nil) { api, at in
        Routes(api.restoreMetadata(instance: at.instance, target: at.object ?? "", from: .moment(0), dataNodes: []))
    }
}

extension DDMAPI {
    public func showRestoreWindow(instance: String) -> DDMOperation<RestoreWindowPage> {
        DDMOperation(name: "show restore window", method: "GET", path: v3("instances", instance, "backups", "restorable-time-interval"), repeatability: .safe)
    }

    public func listRestoreTargets(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<RestoreTargetPage> {
        DDMOperation(name: "list restore targets", method: "GET", path: v3("instances", instance, "backups", "restorable-instances"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    /// `show_related_dns`: the instance's data nodes at `at` (epoch milliseconds; nil: a placeholder, for `explain`).
    public func listRestoreDataNodes(instance: String, at: Int64?) -> DDMOperation<RestoreDataNodes> {
        DDMOperation(name: "list data nodes at restore time", method: "GET", path: v3("instances", instance, "backups", "related-dn"),
                     query: [("restore_time", at.map(String.init) ?? "{restore_time}")], repeatability: .safe)
    }

    public func listRestoreTargetDataNodes(instance: String, target: String, source: String, at: Int64?) -> DDMOperation<RestoreTargetDataNodes> {
        DDMOperation(name: "list data nodes to restore to", method: "GET", path: v3("instances", instance, "backups", "restorable-data-node"),
                     query: [("target_instance_id", target), ("source_dn_instance_id", source), ("restore_time", at.map(String.init) ?? "{restore_time}")],
                     repeatability: .safe)
    }

    private struct ExistingBody: Encodable {
        struct Source: Encodable { var restore_time: Int64 }
        struct Target: Encodable { var instance_id: String }
        struct Relation: Encodable { var source_instance_id: String; var target_instance_id: String }
        var source: Source, target: Target, data_node_relations: [Relation]
    }

    /// `restore2_exist` (`RestoreInst2ExistReq`): `nodes` maps each source data node to the one
    /// that takes its data.
    public func restoreToInstance(instance: String, target: String, at: Int64, nodes: [String: String]) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "restore to instance", method: "POST", path: v3("instances", instance, "backups", "recovery"),
                     body: JSONBody.encode(ExistingBody(source: .init(restore_time: at), target: .init(instance_id: target),
                                                        data_node_relations: nodes.sorted { $0.key < $1.key }.map { .init(source_instance_id: $0.key, target_instance_id: $0.value) })),
                     repeatability: .once)
    }

    private struct MetadataBody: Encodable {
        struct Source: Encodable { var restore_time: Int64?; var backup_id: String? }
        struct Target: Encodable { var instance_id: String; var data_nodes: [String] }
        var source: Source, target: Target
    }

    /// `restore_metadata` (`RestoreMetaData2ExistReq`): from a backup or a moment (epoch ms).
    public func restoreMetadata(instance: String, target: String, from: RestoreSource, dataNodes: [String]) -> DDMOperation<JobAnswer> {
        let source: MetadataBody.Source
        switch from {
        case .backup(let id): source = .init(restore_time: nil, backup_id: id)
        case .moment(let ms): source = .init(restore_time: ms, backup_id: nil)
        }
        return DDMOperation(name: "restore metadata", method: "POST", path: v3("instances", instance, "backups", "metadata-recovery"),
                            body: JSONBody.encode(MetadataBody(source: source, target: .init(instance_id: target, data_nodes: dataNodes))),
                            repeatability: .once)
    }
}

extension DDMClient {
    public func restoreWindow(instance: String) async throws -> [RestoreWindowPage.Interval] {
        try await send(api.showRestoreWindow(instance: instance)).restorableTimeIntervals ?? []
    }
    public func allRestoreTargets(instance: String) async throws -> [RestoreTarget] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listRestoreTargets(instance: instance, offset: offset, limit: limit))
            return (p.instances ?? [], p.total)
        }
    }
    public func restoreDataNodes(instance: String, at: Int64) async throws -> RestoreDataNodes {
        try await send(api.listRestoreDataNodes(instance: instance, at: at))
    }
    public func restoreTargetDataNodes(instance: String, target: String, source: String, at: Int64) async throws -> [RestoreTargetDataNodes.Node] {
        try await send(api.listRestoreTargetDataNodes(instance: instance, target: target, source: source, at: at)).targetDataNodes ?? []
    }
    public func restore(instance: String, to target: String, at: Int64, nodes: [String: String]) async throws -> JobAnswer {
        try await send(api.restoreToInstance(instance: instance, target: target, at: at, nodes: nodes))
    }
    public func restoreMetadata(instance: String, to target: String, from: RestoreSource, dataNodes: [String]) async throws -> JobAnswer {
        try await send(api.restoreMetadata(instance: instance, target: target, from: from, dataNodes: dataNodes))
    }
}

/// What a metadata restore starts from: a backup, or a moment (epoch milliseconds).
public enum RestoreSource: Sendable, Equatable {
    case backup(String)
    case moment(Int64)
}

/// `ShowAvalibleTimeResponse`: times as `yyyy-mm-ddThh:mm:ssZ`.
public struct RestoreWindowPage: Decodable, Sendable {
    public struct Interval: Decodable, Sendable, Equatable { public var startTime: String?; public var endTime: String? }
    public var restorableTimeIntervals: [Interval]?
}

/// `ShowAvalibleDdmsResponse`.
public struct RestoreTargetPage: Decodable, Sendable {
    public var instances: [RestoreTarget]?
    public var total: Int?
}

/// `DDMInstance4Restore`.
public struct RestoreTarget: Decodable, Sendable, Equatable {
    public var instanceId: String?
    public var instanceName: String?
    public var status: String?
    public var available: Bool?
    public var unavailableReason: String?
}

/// `ShowRelatedDnsResponse`: the data nodes then; `data_volume_size` is a number in the SDK and a
/// string in OTC's table (its example is a number), so either is read.
public struct RestoreDataNodes: Decodable, Sendable {
    public struct Node: Decodable, Sendable, Equatable {
        public var instanceId: String?
        public var instanceName: String?
        public var instanceStatus: String?
        public var version: String?
        public var engineName: String?
        public var dataVolumeSize: Double?

        enum CodingKeys: String, CodingKey { case instanceId, instanceName, instanceStatus, version, engineName, dataVolumeSize }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            instanceId = try c.decodeIfPresent(String.self, forKey: .instanceId)
            instanceName = try c.decodeIfPresent(String.self, forKey: .instanceName)
            instanceStatus = try c.decodeIfPresent(String.self, forKey: .instanceStatus)
            version = try c.decodeIfPresent(String.self, forKey: .version)
            engineName = try c.decodeIfPresent(String.self, forKey: .engineName)
            dataVolumeSize = (try? c.decodeIfPresent(Double.self, forKey: .dataVolumeSize))
                ?? (try? c.decodeIfPresent(String.self, forKey: .dataVolumeSize)).flatMap { $0.flatMap(Double.init) }
        }
    }
    public var relatedDataNodes: [Node]?
    public var latestRestorableTime: String?
}

/// `ShowAvalibleRdsResponse`.
public struct RestoreTargetDataNodes: Decodable, Sendable {
    public struct Node: Decodable, Sendable, Equatable {
        public var instanceId: String?
        public var instanceName: String?
        public var status: String?
        public var available: Bool?
        public var unavailableReason: String?
        public var privateIp: String?
    }
    public var targetDataNodes: [Node]?
}
