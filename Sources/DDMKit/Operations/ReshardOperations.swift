import Foundation

/// Shard configuration ("resharding") of a schema: more shards and/or more data nodes, online.
/// v3 only (`…/databases/{db_name}/migration…`); the job's state and the actions it allows come
/// from the task list (`JobItem.status`, `.operations`), the rest from its own calls. OTC's API
/// reference, "Schemas": pre-checking, performing, querying, and the actions on the task.
extension DDMOperationID {
    static let reshard: [DDMOperationID] = [
        .listReshardTargets, .precheckReshard, .showReshardPrecheck, .startReshard, .showReshard, .showReshardLog,
        .switchReshardRoute, .changeReshardSwitchWindow, .cleanReshard, .retryReshard, .rollbackReshard, .cancelReshard,
    ]

    public static let listReshardTargets = DDMOperationID("listReshardTargets", sdk: "list_available_rds_for_migrate", v3: nil) { api, at in
        Routes(api.listReshardTargets(instance: at.instance, schema: at.object ?? "{db_name}"))
    }
    /// A check: it starts a pre-check job that changes nothing.
    public static let precheckReshard = DDMOperationID("precheckReshard", sdk: "check_migrate_logic_db", v3: nil, checksOnly: true) { api, at in
        Routes(api.precheckReshard(instance: at.instance, schema: at.object ?? "{db_name}", ReshardRequest(dataNodes: [], shards: 0)))
    }
    public static let showReshardPrecheck = DDMOperationID("showReshardPrecheck", sdk: "check_preliminary_results", v3: nil) { api, at in
        Routes(api.showReshardPrecheck(instance: at.instance, schema: at.object ?? "{db_name}", job: "{job_id}"))
    }
    public static let startReshard = DDMOperationID("startReshard", sdk: "migrate_logic_db", v3: nil) { api, at in
        Routes(api.startReshard(instance: at.instance, schema: at.object ?? "{db_name}", ReshardRequest(dataNodes: [], shards: 0)))
    }
    public static let showReshard = DDMOperationID("showReshard", sdk: "migrate_results", v3: nil) { api, at in
        Routes(api.showReshard(instance: at.instance, schema: at.object ?? "{db_name}", job: "{job_id}"))
    }
    public static let showReshardLog = DDMOperationID("showReshardLog", sdk: "show_migration_log", v3: nil) { api, at in
        Routes(api.showReshardLog(instance: at.instance, task: "{task_id}"))
    }
    public static let switchReshardRoute = DDMOperationID("switchReshardRoute", sdk: "switch_route", v3: nil) { api, at in
        Routes(api.reshardAction(.switchRoute, instance: at.instance, schema: at.object ?? "{db_name}", job: "{job_id}"))
    }
    public static let changeReshardSwitchWindow = DDMOperationID("changeReshardSwitchWindow", sdk: "change_strategy", v3: nil) { api, at in
        Routes(api.changeReshardSwitchWindow(instance: at.instance, schema: at.object ?? "{db_name}", job: "{job_id}", projectId: "", begin: "", end: ""))
    }
    public static let cleanReshard = DDMOperationID("cleanReshard", sdk: "clean_migration", v3: nil) { api, at in
        Routes(api.reshardAction(.clean, instance: at.instance, schema: at.object ?? "{db_name}", job: "{job_id}"))
    }
    public static let retryReshard = DDMOperationID("retryReshard", sdk: "retry_migration", v3: nil) { api, at in
        Routes(api.reshardAction(.retry, instance: at.instance, schema: at.object ?? "{db_name}", job: "{job_id}"))
    }
    public static let rollbackReshard = DDMOperationID("rollbackReshard", sdk: "rollback_migration", v3: nil) { api, at in
        Routes(api.reshardAction(.rollback, instance: at.instance, schema: at.object ?? "{db_name}", job: "{job_id}"))
    }
    public static let cancelReshard = DDMOperationID("cancelReshard", sdk: "cancel_migration", v3: nil) { api, at in
        Routes(api.reshardAction(.cancel, instance: at.instance, schema: at.object ?? "{db_name}", job: "{job_id}"))
    }
}

/// What a shard configuration asks for (`MigrateLogicDbOpenReq`): the data nodes the schema will
/// use, with an account DDM logs in with; the shard count after; the route-switch window
/// (`hh:mm:ss`, at least 60 minutes; none: switched by hand).
public struct ReshardRequest: Sendable, Equatable {
    public struct DataNode: Sendable, Equatable {
        public var id: String
        public var user: String
        public var password: String
        public init(id: String, user: String, password: String) { self.id = id; self.user = user; self.password = password }
    }
    public var dataNodes: [DataNode]
    public var shards: Int
    public var switchBegin: String?
    public var switchEnd: String?
    public init(dataNodes: [DataNode], shards: Int, switchBegin: String? = nil, switchEnd: String? = nil) {
        self.dataNodes = dataNodes; self.shards = shards; self.switchBegin = switchBegin; self.switchEnd = switchEnd
    }
}

/// The actions on a shard configuration task that take nothing but the task.
public enum ReshardAction: String, Sendable {
    case switchRoute = "route-switch", clean, retry, rollback, cancel

    var name: String {
        switch self {
        case .switchRoute: "switch route"
        case .clean: "clean shard configuration"
        case .retry: "retry shard configuration"
        case .rollback: "roll back shard configuration"
        case .cancel: "cancel shard configuration"
        }
    }
}

extension DDMAPI {
    private func migration(_ instance: String, _ schema: String, _ rest: String...) -> String {
        PathBuilder.path(["v3", projectId, "instances", instance, "databases", schema, "migration"] + rest)
    }

    func listReshardTargets(instance: String, schema: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<AvailableRDSPageV3> {
        DDMOperation(name: "list data nodes for shard configuration", method: "GET", path: migration(instance, schema, "available-data-nodes"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    private struct ReshardBody: Encodable {
        struct Node: Encodable { var id: String; var user: String; var password: String }
        var data_nodes: [Node]
        var new_shard_number: String
        var switch_route_begin_time: String?
        var switch_route_end_time: String?
        var is_exclusive: Bool
    }

    private func body(_ r: ReshardRequest) -> [UInt8] {
        JSONBody.encode(ReshardBody(data_nodes: r.dataNodes.map { .init(id: $0.id, user: $0.user, password: $0.password) },
                                    new_shard_number: String(r.shards), switch_route_begin_time: r.switchBegin,
                                    switch_route_end_time: r.switchEnd, is_exclusive: false))
    }

    /// `check_migrate_logic_db`: the pre-check, a job of its own; answers its results and job.
    public func precheckReshard(instance: String, schema: String, _ r: ReshardRequest) -> DDMOperation<ReshardPrecheck> {
        DDMOperation(name: "pre-check shard configuration", method: "POST", path: migration(instance, schema, "precheck"), body: body(r),
                     repeatability: .safe)
    }

    public func showReshardPrecheck(instance: String, schema: String, job: String) -> DDMOperation<ReshardPrecheck> {
        DDMOperation(name: "show shard configuration pre-check", method: "GET", path: migration(instance, schema, "precheck", job),
                     repeatability: .safe)
    }

    /// `migrate_logic_db`: starts the task once the pre-check passed; answers its job.
    public func startReshard(instance: String, schema: String, _ r: ReshardRequest) -> DDMOperation<JobOnly> {
        DDMOperation(name: "start shard configuration", method: "POST", path: migration(instance, schema), body: body(r), repeatability: .once)
    }

    public func showReshard(instance: String, schema: String, job: String) -> DDMOperation<ReshardDetail> {
        DDMOperation(name: "show shard configuration", method: "GET", path: migration(instance, schema, "jobs", job), repeatability: .safe)
    }

    /// `show_migration_log`: note the path's singular `instance` and `task`, as the SDK has them.
    public func showReshardLog(instance: String, task: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<ReshardLogPage> {
        DDMOperation(name: "show shard configuration log", method: "GET",
                     path: PathBuilder.path(["v3", projectId, "instance", instance, "task", task, "run-logs"]),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func reshardAction(_ action: ReshardAction, instance: String, schema: String, job: String) -> DDMOperation<JobOnly> {
        DDMOperation(name: action.name, method: "PUT", path: migration(instance, schema, "jobs", job, action.rawValue),
                     repeatability: action == .switchRoute || action == .clean ? .safe : .once)
    }

    private struct SwitchWindowBody: Encodable {
        var project_id: String, instance_id: String, task_id: String
        var switch_route_begin_time: String, switch_route_end_time: String
        var is_open_api: Bool, logic_db_name: String
    }

    /// `change_strategy` (`MigrateRouteSwitchReqVO`).
    public func changeReshardSwitchWindow(instance: String, schema: String, job: String, projectId: String, begin: String, end: String) -> DDMOperation<Empty> {
        DDMOperation(name: "change route switch window", method: "PUT", path: migration(instance, schema, "jobs", job, "route-switch-strategy"),
                     body: JSONBody.encode(SwitchWindowBody(project_id: projectId, instance_id: instance, task_id: job, switch_route_begin_time: begin,
                                                            switch_route_end_time: end, is_open_api: true, logic_db_name: schema)),
                     repeatability: .safe)
    }
}

extension DDMClient {
    public func reshardTargets(instance: String, schema: String) async throws -> [AvailableRDS] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listReshardTargets(instance: instance, schema: schema, offset: offset, limit: limit)).common
            return (p.instances, p.total)
        }
    }
    public func precheckReshard(instance: String, schema: String, _ r: ReshardRequest) async throws -> ReshardPrecheck {
        try await send(api.precheckReshard(instance: instance, schema: schema, r))
    }
    public func reshardPrecheck(instance: String, schema: String, job: String) async throws -> ReshardPrecheck {
        try await send(api.showReshardPrecheck(instance: instance, schema: schema, job: job))
    }
    public func startReshard(instance: String, schema: String, _ r: ReshardRequest) async throws -> String? {
        try await send(api.startReshard(instance: instance, schema: schema, r)).jobId
    }
    public func reshard(instance: String, schema: String, job: String) async throws -> ReshardDetail {
        try await send(api.showReshard(instance: instance, schema: schema, job: job))
    }
    public func reshardLog(instance: String, task: String, limit: Int = 20) async throws -> [ReshardLogLine] {
        try await send(api.showReshardLog(instance: instance, task: task, offset: 0, limit: limit)).taskLogs ?? []
    }
    @discardableResult
    public func reshard(_ action: ReshardAction, instance: String, schema: String, job: String) async throws -> String? {
        try await send(api.reshardAction(action, instance: instance, schema: schema, job: job)).jobId
    }
    public func changeReshardSwitchWindow(instance: String, schema: String, job: String, begin: String, end: String) async throws {
        _ = try await send(api.changeReshardSwitchWindow(instance: instance, schema: schema, job: job, projectId: configuration.projectId,
                                                         begin: begin, end: end))
    }
}

/// `CheckMigrateLogicDbResponse` / `CheckPreliminaryResultsResponse`.
public struct ReshardPrecheck: Decodable, Sendable, Equatable {
    public struct Item: Decodable, Sendable, Equatable {
        public var name: String?
        public var status: String?
        public var note: String?
        public var handlingSuggestion: String?
        public var errorMessage: String?
        public var errorDetailMessage: String?
        /// DDM's statuses for an item are not listed in the sources; anything but a failure word passes.
        public var passed: Bool { !["failed", "fail", "error", "false"].contains((status ?? "").lowercased()) }
    }
    public var preCheckResults: [Item]?
    public var jobId: String?
}

/// `MigrateResultsResponse`.
public struct ReshardDetail: Decodable, Sendable, Equatable {
    public struct DataNode: Decodable, Sendable, Equatable { public var dnInstanceId: String?; public var dnInstanceName: String? }
    public var instanceName: String?
    public var originalShardNum: Int?
    public var afterShardNum: Int?
    public var originalDnInfoList: [DataNode]?
    public var afterDnInfoList: [DataNode]?
    public var switchRouteIsManual: Bool?
    public var autoSwitchBeginTime: String?
    public var autoSwitchEndTime: String?
}

/// `ShowMigrationLogResponse.task_logs`.
public struct ReshardLogLine: Decodable, Sendable, Equatable {
    public var level: String?
    public var createdTime: Double?
    public var message: String?
}
public struct ReshardLogPage: Decodable, Sendable { public var taskLogs: [ReshardLogLine]? }
