import Foundation

/// Logical and physical processes: list and kill.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let processes: [DDMOperationID] = [.listLogicalProcesses, .killLogicalProcesses, .listPhysicalProcesses, .killPhysicalProcesses]

    public static let listLogicalProcesses = DDMOperationID("listLogicalProcesses", sdk: "show_logical_processes", v3: nil) { api, at in
        Routes(api.listLogicalProcesses(instance: at.instance))
    }

    public static let killLogicalProcesses = DDMOperationID("killLogicalProcesses", sdk: "execute_kill_logical_processes", v3: nil) { api, at in
        Routes(api.killLogicalProcesses(instance: at.instance, ids: []))
    }

    public static let listPhysicalProcesses = DDMOperationID("listPhysicalProcesses", sdk: "show_physical_processes", v3: nil) { api, at in
        Routes(api.listPhysicalProcesses(instance: at.instance))
    }

    public static let killPhysicalProcesses = DDMOperationID("killPhysicalProcesses", sdk: "execute_kill_physical_processes", v3: nil) { api, at in
        Routes(api.killPhysicalProcesses(instance: at.instance, ids: []))
    }
}

extension DDMAPI {
    public func listLogicalProcesses(instance: String, keyword: String? = nil, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<LogicalProcessPage> {
        DDMOperation(name: "show processes", method: "GET", path: v3("instances", instance, "logical-processes"),
                     query: pageQuery(offset: offset, limit: limit) + (keyword.map { [("keyword", $0)] } ?? []), repeatability: .safe)
    }

    public func listPhysicalProcesses(instance: String, keyword: String? = nil, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<PhysicalProcessPage> {
        DDMOperation(name: "show physical processes", method: "GET", path: v3("instances", instance, "physical-processes"),
                     query: pageQuery(offset: offset, limit: limit) + (keyword.map { [("keyword", $0)] } ?? []), repeatability: .safe)
    }

    private struct ProcessIdsBody: Encodable { var process_ids: [String] }

    /// `execute_kill_logical_processes`: DELETE with a body, as the SDK sends it.
    public func killLogicalProcesses(instance: String, ids: [String]) -> DDMOperation<KillResult> {
        DDMOperation(name: "kill processes", method: "DELETE", path: v3("instances", instance, "logical-processes"),
                     body: JSONBody.encode(ProcessIdsBody(process_ids: ids)), repeatability: .safe)
    }

    public func killPhysicalProcesses(instance: String, ids: [String]) -> DDMOperation<KillResult> {
        DDMOperation(name: "kill physical processes", method: "DELETE", path: v3("instances", instance, "physical-processes"),
                     body: JSONBody.encode(ProcessIdsBody(process_ids: ids)), repeatability: .safe)
    }
}

extension DDMClient {
    public func allLogicalProcesses(instance: String) async throws -> [LogicalProcess] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listLogicalProcesses(instance: instance, offset: offset, limit: limit))
            return (p.logicalProcesses, p.totalCount)
        }
    }
    public func allPhysicalProcesses(instance: String) async throws -> [PhysicalProcess] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listPhysicalProcesses(instance: instance, offset: offset, limit: limit))
            return (p.physicalProcesses, p.totalCount)
        }
    }
    @discardableResult
    public func killLogicalProcesses(instance: String, ids: [String]) async throws -> KillResult {
        guard !ids.isEmpty else { throw DDMError.invalid("name at least one process") }
        return try await send(api.killLogicalProcesses(instance: instance, ids: ids))
    }
    @discardableResult
    public func killPhysicalProcesses(instance: String, ids: [String]) async throws -> KillResult {
        guard !ids.isEmpty else { throw DDMError.invalid("name at least one process") }
        return try await send(api.killPhysicalProcesses(instance: instance, ids: ids))
    }
}
