import Foundation

/// Typed instance administration (docs/client.md, "Instance administration").
extension DDMClient {
    // MARK: nodes and flavor
    public func addNodes(instance: String, zones: [String]) async throws -> JobAnswer {
        guard (1...32).contains(zones.count) else { throw DDMError.invalid("add nodes takes 1 to 32 nodes (got \(zones.count))") }
        return try await send(api.addNodes(instance: instance, zones: zones))
    }
    public func removeNodes(instance: String, count: Int) async throws -> JobAnswer {
        guard count >= 1 else { throw DDMError.invalid("remove nodes takes at least 1 node") }
        return try await send(api.removeNodes(instance: instance, count: count))
    }
    public func deleteNodes(instance: String, nodes: [String]) async throws -> JobAnswer {
        guard !nodes.isEmpty else { throw DDMError.invalid("name at least one node to remove") }
        return try await send(api.deleteNodes(instance: instance, nodes: nodes))
    }
    public func restartNode(instance: String, node: String) async throws -> JobAnswer {
        try await send(api.restartNode(instance: instance, node: node))
    }
    public func resizeFlavor(instance: String, code: String) async throws -> JobAnswer {
        try await send(api.resizeFlavor(instance: instance, code: code))
    }

    // MARK: parameters
    public func allParameters(instance: String) async throws -> [Parameter] {
        try await Self.collectPages { offset, limit in
            let p = try await self.send(self.api.showParameters(instance: instance, offset: offset, limit: limit))
            return (p.configurationParameter, p.total)
        }
    }
    /// v3.1 `modify_configuration`; where a region has not got it, v3 `update_instance_param`.
    @discardableResult
    public func modifyParameters(instance: String, values: [String: String]) async throws -> ParameterChangeResult {
        guard !values.isEmpty else { throw DDMError.invalid("set at least one parameter") }
        return try await versioned(.modifyParameters, v3: { try await self.send(self.api.modifyParametersV31(instance: instance, values: values)) },
                                   older: {
            guard let op = api.modifyParametersV3(instance: instance, values: values) else {
                throw Self.noV3(.modifyParameters, "a parameter the older call does not name", autoWould: false)
            }
            return try await send(op)
        })
    }
    public func allParameterTemplates() async throws -> [ParameterTemplate] {
        try await Self.collectPages { offset, limit in
            let p = try await self.send(self.api.listParameterTemplates(offset: offset, limit: limit))
            return (p.configurations, p.total)
        }
    }
    public func showParameterTemplate(_ id: String) async throws -> ParameterTemplateDetail {
        try await send(api.showParameterTemplate(id))
    }

    // MARK: network and access
    /// Ports outside 1–65535 are refused before sending; DDM's own range is the service's to say.
    @discardableResult
    public func modifyPort(instance: String, port: Int) async throws -> JobAnswer {
        guard (1...65535).contains(port) else { throw DDMError.invalid("port must be from 1 to 65535 (got \(port))") }
        return try await send(api.modifyPort(instance: instance, port: port))
    }
    @discardableResult
    public func switchSSL(instance: String, on: Bool) async throws -> JobAnswer { try await send(api.switchSSL(instance: instance, on: on)) }
    @discardableResult
    public func setReadOnly(instance: String, on: Bool) async throws -> JobAnswer { try await send(api.setReadOnly(instance: instance, on: on)) }
    @discardableResult
    public func bindEIP(instance: String, ip: String, id: String) async throws -> JobAnswer {
        try await send(api.bindEIP(instance: instance, ip: ip, id: id))
    }
    @discardableResult
    public func unbindEIP(instance: String) async throws -> JobAnswer { try await send(api.unbindEIP(instance: instance)) }
    public func resetAdministrator(instance: String, name: String, password: String) async throws {
        _ = try await send(api.resetAdministrator(instance: instance, name: name, password: password))
    }

    // MARK: observability and engine versions
    /// Slow queries between two times (at most 7 days apart), newest pages first as the service
    /// orders them, up to `max`.
    /// Up to `max` slow queries in the window that `keep` accepts (the API filters only by time),
    /// reading pages of 100 until there are enough or none are left.
    public func slowQueries(instance: String, from: Date, to: Date, max: Int,
                            keep: (SlowQuery) -> Bool = { _ in true }) async throws -> (queries: [SlowQuery], total: Int?) {
        let start = Int64(from.timeIntervalSince1970 * 1000), end = Int64(to.timeIntervalSince1970 * 1000)
        var kept: [SlowQuery] = []
        var read = 0
        var total: Int?
        while kept.count < max {
            let page = try await send(api.listSlowQueries(instance: instance, from: start, to: end, offset: read, limit: 100))
            total = page.totalRecord
            read += page.slowLogList.count
            kept += page.slowLogList.filter(keep)
            if page.slowLogList.isEmpty || read >= (page.totalRecord ?? 0) { break }
        }
        return (Array(kept.prefix(max)), total)
    }
    public func allLogicalProcesses(instance: String) async throws -> [LogicalProcess] {
        try await Self.collectPages { offset, limit in
            let p = try await self.send(self.api.listLogicalProcesses(instance: instance, offset: offset, limit: limit))
            return (p.logicalProcesses, p.totalCount)
        }
    }
    public func allPhysicalProcesses(instance: String) async throws -> [PhysicalProcess] {
        try await Self.collectPages { offset, limit in
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
    public func listTasks(from start: Date, to end: Date = Date(), offset: Int? = nil, limit: Int? = nil) async throws -> TaskPage {
        try await send(api.listTasks(from: start, to: end, offset: offset, limit: limit))
    }
    public func engineVersions(instance: String) async throws -> EngineVersions { try await send(api.listEngineVersions(instance: instance)) }
    public func upgradeEngine(instance: String, to version: String) async throws -> JobAnswer {
        try await send(api.upgradeEngine(instance: instance, to: version))
    }
    public func rollbackEngine(instance: String) async throws -> JobAnswer { try await send(api.rollbackEngine(instance: instance)) }
}
