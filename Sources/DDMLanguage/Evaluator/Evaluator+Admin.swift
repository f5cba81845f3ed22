import DDMKit
import Foundation

/// Instance administration: nodes, flavor, parameters, network and access, slow queries,
/// processes, tasks, engine versions. What the client can know is checked before sending.
extension Evaluator {
    func admin(_ a: AdminAction) async throws -> String? {
        if await declined(a.confirmation) { return nil }
        switch a {
        case .alterInstance(let ref, let change, let wait): return try await alterInstance(try await resolve(ref), change, wait: wait)
        case .restartNode(let node, let wait):
            let instance = try await instanceId()
            return try await write("restart node \(node)") {
                let r = try await journaled(.instanceChange(instance: instance, description: "restarted node \(node)", inverse: nil)) {
                    try await client.restartNode(instance: instance, node: node)
                }
                await sink.message("restarting node \(node) (job \(r.jobId ?? "-"))")
                if wait, let job = r.jobId { try await waitJob(job) }
                return "restarted node \(node)"
            }
        case .showNode(let node):
            await sink.table(ShowTables.node(try await client.showNode(instance: try await instanceId(), node: node)))
        case .showParameters(let like):
            let all = try await client.allParameters(instance: try await instanceId())
            await sink.table(ShowTables.parameters(like.map { p in all.filter { SQLLike.matches($0.name, p) } } ?? all))
        case .setParameters(let settings, let ref):
            let (id, name) = try await target(ref)
            return try await setParameters(settings, instance: id, name: name)
        case .showParameterTemplates:
            await sink.table(ShowTables.templates(try await client.allParameterTemplates()))
        case .showParameterTemplate(let ref):
            await sink.table(ShowTables.template(try await client.showParameterTemplate(try await template(ref).id)))
        case .applyParameterTemplate(let ref, let instanceRef):
            let (id, name) = try await target(instanceRef)
            let t = try await client.showParameterTemplate(try await template(ref).id)
            let settings = (t.configurationParameters ?? []).compactMap { p in p.value.map { ParameterSetting(name: p.name, value: $0) } }
            return try await setParameters(settings, instance: id, name: name, from: t.name)
        case .showSlowQueries(let q):
            let (from, to) = try q.since.window(now: options.clock(), atMost: 7 * 86_400, of: "slow queries over")
            let filtered = q.user != nil || q.schema != nil
            let (queries, total) = try await client.slowQueries(instance: try await instanceId(), from: from, to: to, max: q.limit) { query in
                (q.user.map { query.users == $0 } ?? true) && (q.schema.map { query.database?.lowercased() == $0 } ?? true)
            }
            await sink.table(ShowTables.slowQueries(queries))
            if !filtered, let total, total > queries.count {
                await sink.message("\(queries.count) of \(total) slow queries since \(q.since); 'show slow queries limit <n>' shows more")
            }
        case .showProcesses(let physical):
            let instance = try await instanceId()
            await sink.table(physical ? ShowTables.physicalProcesses(try await client.allPhysicalProcesses(instance: instance))
                                      : ShowTables.processes(try await client.allLogicalProcesses(instance: instance)))
        case .killProcesses(let ids, let physical):
            let instance = try await instanceId()
            let what = "\(physical ? "physical " : "")process\(ids.count == 1 ? "" : "es") \(ids.joined(separator: ", "))"
            return try await write("kill \(what)") {
                _ = try await journaled(.instanceChange(instance: instance, description: "killed \(what)", inverse: nil)) {
                    physical ? try await client.killPhysicalProcesses(instance: instance, ids: ids)
                             : try await client.killLogicalProcesses(instance: instance, ids: ids)
                }
                await sink.message("killed \(what)")
                return "killed \(what)"
            }
        case .showTasks(let since):
            let (start, now) = try since.window(now: options.clock(), atMost: DDMAPI.taskWindowLimit, of: "tasks of the last")
            let page = try await client.listTasks(from: start, to: now, offset: 0, limit: 100)
            await sink.table(ShowTables.tasks(page.jobs))
            if let total = page.total, total > page.jobs.count { await sink.message("the \(page.jobs.count) most recent of \(total) tasks") }
        case .showFlavorChoices(let ref):
            let i = try await resolve(ref)
            await sink.table(ShowTables.flavorChoices(try await flavors(of: i), current: i.flavorRef))
        case .showEngineVersions:
            await sink.table(ShowTables.engineVersions(try await client.engineVersions(instance: try await instanceId())))
        }
        return nil
    }

    /// The flavors of the instance's engine: what its flavor can change to.
    private func flavors(of i: Instance) async throws -> [Flavor] {
        let engines = try await client.listEngines(limit: 128).engineGroups
        guard let engine = engines.first(where: { $0.version == i.engineVersion }) ?? engines.first else {
            throw EvaluationError("no engine is offered for \(i.name)", kind: .notFound)
        }
        return try await client.listFlavors(engineId: engine.id, limit: 128).computeFlavorGroups.flatMap(\.computeFlavors)
    }

    /// `on instance <i>`, or the current instance.
    private func target(_ ref: String?) async throws -> (id: String, name: String) {
        if let ref { let i = try await resolve(ref); return (i.id, i.name) }
        let id = try await instanceId()
        return (id, currentInstanceName ?? id)
    }

    private func template(_ ref: String) async throws -> ParameterTemplate {
        let all = try await client.allParameterTemplates()
        if let t = all.first(where: { $0.id == ref || $0.name == ref }) { return t }
        var message = "parameter template '\(ref)' does not exist; see 'show parameter templates;'"
        if let s = Suggestion.closest(to: ref, in: all.map(\.name)) { message = "parameter template '\(ref)' does not exist; did you mean '\(s)'?" }
        throw EvaluationError(message, kind: .notFound)
    }

    /// Checks every value against the instance's own parameter list (names, read-only, allowed
    /// range as the service states it), then sets only the ones that change, in one call.
    private func setParameters(_ settings: [ParameterSetting], instance: String, name: String, from template: String? = nil) async throws -> String? {
        let current = try await client.allParameters(instance: instance)
        var changes: [(Parameter, String)] = []
        for s in settings {
            guard let p = current.first(where: { $0.name.lowercased() == s.name.lowercased() }) else {
                if template != nil { continue }  // a template may name what this instance does not have
                var message = "unknown parameter '\(s.name)'"
                if let close = Suggestion.closest(to: s.name, in: current.map(\.name)) { message += "; did you mean '\(close)'?" }
                throw EvaluationError(message, kind: .notFound)
            }
            if p.isReadOnly { throw EvaluationError("parameter \(p.name) is read-only") }
            if let problem = ParameterRange(p.valueRange).problem(with: s.value) {
                throw EvaluationError("invalid value '\(s.value)' for \(p.name): \(problem)")
            }
            if p.value != s.value { changes.append((p, s.value)) }
        }
        guard !changes.isEmpty else {
            await sink.message(template.map { "\(name) already has the values of parameter template \($0); nothing to change" }
                               ?? "the parameters already have these values; nothing to change")
            return nil
        }
        let text = changes.map { "\($0.0.name) = \($0.1) (was \($0.0.value ?? "-"))" }.joined(separator: ", ")
        return try await write("set \(text) on \(name)") {
            let before = Dictionary(uniqueKeysWithValues: changes.map { ($0.0.name, $0.0.value ?? "") })
            let r = try await journaled(.setParameters(instance: instance, before: before)) {
                try await client.modifyParameters(instance: instance, values: Dictionary(uniqueKeysWithValues: changes.map { ($0.0.name, $0.1) }))
            }
            await sink.message("set \(text) on \(name)" + (template.map { " (parameter template \($0))" } ?? ""))
            let restart = r.needRestart ?? changes.contains { $0.0.requiresRestart }
            if restart {
                let names = changes.filter { $0.0.requiresRestart }.map(\.0.name)
                await sink.message("restart needed for \(names.isEmpty ? "the new values" : names.joined(separator: ", ")) to take effect: restart instance \(name);")
            }
            return "set \(changes.count) parameter\(changes.count == 1 ? "" : "s") on \(name)"
        }
    }

    private func alterInstance(_ i: Instance, _ change: InstanceChangePlan, wait: Bool) async throws -> String? {
        /// Journals the change (with the statement that reverses it, when there is one), makes
        /// it, says so, and waits when asked.
        func job(_ doing: String, _ done: String, undo inverse: String? = nil, readOnly: Bool? = nil,
                 _ call: () async throws -> JobAnswer) async throws -> String {
            let r = try await journaled(.instanceChange(instance: i.id, description: done, inverse: inverse, readOnly: readOnly)) { try await call() }
            // Node count, flavor, port: the cached list no longer tells the truth.
            instanceCache = nil
            await sink.message("\(doing) (job \(r.jobId ?? "-"))")
            if wait { try await waitRunning(i.id, name: i.name, job: r.jobId, operation: done) }
            return done
        }
        switch change {
        case .addNodes(let n, let zone):
            guard let az = zone ?? i.availableZone?.split(separator: ",").first.map(String.init) else {
                throw EvaluationError("cannot tell which zone \(i.name)'s nodes are in; say it: add nodes \(n) in <az>")
            }
            let plural = n == 1 ? "node" : "nodes"
            return try await write("add \(n) \(plural) in \(az) to \(i.name)") {
                try await job("adding \(n) \(plural) to \(i.name)", "added \(n) \(plural) to \(i.name)") {
                    try await client.addNodes(instance: i.id, zones: Array(repeating: az, count: n))
                }
            }
        case .removeNodes(let n):
            if let count = i.nodeCount, n >= count {
                throw EvaluationError("\(i.name) has \(count) node\(count == 1 ? "" : "s"); at least one must remain")
            }
            return try await write("remove \(n) node\(n == 1 ? "" : "s") from \(i.name)") {
                try await job("removing \(n) node\(n == 1 ? "" : "s") from \(i.name)", "removed \(n) node\(n == 1 ? "" : "s") from \(i.name)") {
                    try await client.removeNodes(instance: i.id, count: n)
                }
            }
        case .removeNodeIds(let ids):
            let list = ids.joined(separator: ", ")
            return try await write("remove node \(list) from \(i.name)") {
                try await job("removing node \(list) from \(i.name)", "removed node \(list) from \(i.name)") {
                    try await client.deleteNodes(instance: i.id, nodes: ids)
                }
            }
        case .flavor(let code):
            let flavors = try await flavors(of: i)
            guard flavors.contains(where: { $0.code == code }) else {
                throw EvaluationError("flavor '\(code)' does not exist; flavors: \(flavors.compactMap(\.code).joined(separator: ", "))", kind: .notFound)
            }
            if i.flavorRef == code { await sink.message("\(i.name) already has flavor \(code); nothing to change"); return nil }
            return try await write("change the flavor of \(i.name) from \(i.flavorRef ?? "?") to \(code)") {
                try await job("changing the flavor of \(i.name) to \(code)", "changed the flavor of \(i.name) to \(code)", undo: i.flavorRef.map { "alter instance \(i.id) set flavor \($0) wait;" }) {
                    try await client.resizeFlavor(instance: i.id, code: code)
                }
            }
        case .port(let p):
            if i.accessPort == String(p) { await sink.message("\(i.name) already listens on port \(p); nothing to change"); return nil }
            return try await write("change the port of \(i.name) from \(i.accessPort ?? "?") to \(p)") {
                try await job("changing the port of \(i.name) to \(p)", "changed the port of \(i.name) to \(p)", undo: i.accessPort.map { "alter instance \(i.id) set port \($0);" }) {
                    try await client.modifyPort(instance: i.id, port: p)
                }
            }
        case .ssl(let on):
            let state = on ? "on" : "off"
            return try await write("switch SSL \(state) for \(i.name)") {
                try await job("switching SSL \(state) for \(i.name)", "switched SSL \(state) for \(i.name)", undo: i.enableSsl.flatMap { $0 == on ? nil : "alter instance \(i.id) set ssl \($0 ? "on" : "off") wait;" }) {
                    try await client.switchSSL(instance: i.id, on: on)
                }
            }
        case .readOnly(let on):
            let state = on ? "read-only" : "read-write"
            return try await write("make \(i.name) \(state)") {
                try await job("making \(i.name) \(state)", "made \(i.name) \(state)", readOnly: on) {
                    try await client.setReadOnly(instance: i.id, on: on)
                }
            }
        case .bindEIP(let ip, let id):
            return try await write("bind EIP \(ip) to \(i.name)") {
                try await job("binding EIP \(ip) to \(i.name)", "bound EIP \(ip) to \(i.name)", undo: "alter instance \(i.id) unbind eip;") {
                    try await client.bindEIP(instance: i.id, ip: ip, id: id)
                }
            }
        case .unbindEIP:
            return try await write("unbind the EIP of \(i.name)") {
                try await job("unbinding the EIP of \(i.name)", "unbound the EIP of \(i.name)") {
                    try await client.unbindEIP(instance: i.id)
                }
            }
        case .adminPassword(let secret):
            let admin = try await client.showInstance(i.id).adminUserName ?? "root"
            return try await write("reset the password of \(i.name)'s administrator \(admin)") {
                let password = try secrets.resolve(secret, purpose: "new password for \(admin) on \(i.name)")
                try await journaled(.instanceChange(instance: i.id, description: "reset the administrator password of \(i.name)", inverse: nil)) {
                    try await client.resetAdministrator(instance: i.id, name: admin, password: password)
                }
                await sink.message("reset the password of \(i.name)'s administrator \(admin)")
                return "reset the administrator password of \(i.name)"
            }
        case .upgrade(let to):
            let versions = try await client.engineVersions(instance: i.id)
            let available = versions.versions ?? []
            if let to, !available.contains(to) {
                throw EvaluationError("\(i.name) cannot be upgraded to \(to); available: \(available.isEmpty ? "none" : available.joined(separator: ", "))", kind: .notFound)
            }
            guard let target = to ?? versions.latestVersion.flatMap({ available.contains($0) ? $0 : nil }) ?? available.last else {
                await sink.message("\(i.name) is on \(versions.currentVersion ?? i.engineVersion ?? "?"), the latest version; nothing to upgrade")
                return nil
            }
            return try await write("upgrade \(i.name) from \(versions.currentVersion ?? i.engineVersion ?? "?") to \(target)") {
                try await job("upgrading \(i.name) to \(target)", "upgraded \(i.name) to \(target)", undo: "alter instance \(i.id) rollback upgrade wait;") {
                    try await client.upgradeEngine(instance: i.id, to: target)
                }
            }
        case .rollback:
            return try await write("roll back the engine upgrade of \(i.name)") {
                try await job("rolling back the engine upgrade of \(i.name)", "rolled back the engine upgrade of \(i.name)") {
                    try await client.rollbackEngine(instance: i.id)
                }
            }
        }
    }
}

/// SQL `LIKE` on names: `%` any run, `_` one character, case-insensitive.
enum SQLLike {
    static func matches(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text.lowercased()), p = Array(pattern.lowercased())
        // Iterative wildcard match with backtracking to the last '%'.
        var ti = 0, pi = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "_" || p[pi] == t[ti] { ti += 1; pi += 1 }
            else if pi < p.count, p[pi] == "%" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "%" { pi += 1 }
        return pi == p.count
    }
}
