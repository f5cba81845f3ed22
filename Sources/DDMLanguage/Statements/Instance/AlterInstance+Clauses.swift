import DDMKit

/// How each instance change runs: what the client can know is checked before sending, then the
/// write goes through the executor with the statement that reverses it, where there is one.
extension AlterInstance where P == Resolved {
    func run(in e: isolated Evaluator) async throws -> String? {
        let i = try await e.resolve(instance)
        let id = i.id

        /// The change as a job: sent through the executor, said, and waited for when asked.
        func job(_ summary: String, _ doing: String, _ done: String, undo: (any Step)? = nil, readOnly: Bool? = nil,
                 _ call: @escaping () async throws -> JobAnswer) async throws -> String? {
            let write = Write(summary: summary, question: question, journal: .change(id, done, undo: undo, readOnly: readOnly),
                              staleInstances: true, call: call)
            return try await e.performJob(write, doing: doing, operation: done, done: done, wait: wait, on: (id, i.name))
        }
        func inverse(_ change: Change, wait: Bool = false) -> AlterInstance<Resolved> { AlterInstance(instance: id, change: change, wait: wait) }
        let client = e.client

        switch change {
        case .securityGroup(let group):
            let write = Write(summary: "set security group \(group) on \(i.name)", question: question,
                              journal: .change(id, "set security group \(group) on \(i.name)", undo: i.securityGroupId.map { inverse(.securityGroup($0)) })) {
                try await client.modifySecurityGroup(id, securityGroupId: group)
            }
            guard try await e.perform(write) != nil else { return nil }
            await e.sink.message("security group of \(i.name) is now \(group)")
            return "set security group of \(i.name)"
        case .addNodes(let n, let zone):
            guard let az = zone ?? i.availableZone?.split(separator: ",").first.map(String.init) else {
                throw EvaluationError("cannot tell which zone \(i.name)'s nodes are in; say it: add nodes \(n) in <az>")
            }
            let plural = n == 1 ? "node" : "nodes"
            return try await job("add \(n) \(plural) in \(az) to \(i.name)", "adding \(n) \(plural) to \(i.name)", "added \(n) \(plural) to \(i.name)") {
                try await client.addNodes(instance: id, zones: Array(repeating: az, count: n), flavorId: { [e] in try await e.flavorId(of: i) })
            }
        case .removeNodes(let n):
            if let count = i.nodeCount, n >= count {
                throw EvaluationError("\(i.name) has \(count) node\(count == 1 ? "" : "s"); at least one must remain")
            }
            let nodes = "\(n) node\(n == 1 ? "" : "s")"
            return try await job("remove \(nodes) from \(i.name)", "removing \(nodes) from \(i.name)", "removed \(nodes) from \(i.name)") {
                try await client.removeNodes(instance: id, count: n)
            }
        case .removeNodeIds(let ids):
            let list = ids.joined(separator: ", ")
            return try await job("remove node \(list) from \(i.name)", "removing node \(list) from \(i.name)", "removed node \(list) from \(i.name)") {
                try await client.deleteNodes(instance: id, nodes: ids)
            }
        case .flavor(let code):
            let flavors = try await e.flavors(of: i)
            guard flavors.contains(where: { $0.code == code }) else {
                throw EvaluationError("flavor '\(code)' does not exist; flavors: \(flavors.compactMap(\.code).joined(separator: ", "))", kind: .notFound)
            }
            if i.flavorRef == code {
                await e.sink.message("\(i.name) already has flavor \(code); nothing to change")
                // Already on its way there (an earlier run's change, still resizing): `wait` still
                // means the statements after it find the instance RUNNING.
                if wait && !e.options.dryRun && i.status != "RUNNING" { try await e.waitRunning(id, name: i.name) }
                return nil
            }
            return try await job("change the flavor of \(i.name) from \(i.flavorRef ?? "?") to \(code)", "changing the flavor of \(i.name) to \(code)",
                                 "changed the flavor of \(i.name) to \(code)", undo: i.flavorRef.map { inverse(.flavor($0), wait: true) }) {
                try await client.resizeFlavor(instance: id, code: code)
            }
        case .port(let p):
            if i.accessPort == String(p) { await e.sink.message("\(i.name) already listens on port \(p); nothing to change"); return nil }
            return try await job("change the port of \(i.name) from \(i.accessPort ?? "?") to \(p)", "changing the port of \(i.name) to \(p)",
                                 "changed the port of \(i.name) to \(p)", undo: i.accessPort.flatMap(Int.init).map { inverse(.port($0)) }) {
                try await client.modifyPort(instance: id, port: p)
            }
        case .ssl(let on):
            let state = on ? "on" : "off"
            return try await job("switch SSL \(state) for \(i.name)", "switching SSL \(state) for \(i.name)", "switched SSL \(state) for \(i.name)",
                                 undo: i.enableSsl.flatMap { $0 == on ? nil : inverse(.ssl($0), wait: true) }) {
                try await client.switchSSL(instance: id, on: on)
            }
        case .readOnly(let on):
            let state = on ? "read-only" : "read-write"
            return try await job("make \(i.name) \(state)", "making \(i.name) \(state)", "made \(i.name) \(state)", readOnly: on) {
                try await client.setReadOnly(instance: id, on: on)
            }
        case .bindEIP(let ip, let eip):
            return try await job("bind EIP \(ip) to \(i.name)", "binding EIP \(ip) to \(i.name)", "bound EIP \(ip) to \(i.name)", undo: inverse(.unbindEIP)) {
                try await client.bindEIP(instance: id, ip: ip, id: eip)
            }
        case .unbindEIP:
            return try await job("unbind the EIP of \(i.name)", "unbinding the EIP of \(i.name)", "unbound the EIP of \(i.name)") {
                try await client.unbindEIP(instance: id)
            }
        case .adminPassword(let secret):
            let admin = try await client.showInstance(id).adminUserName ?? "root"
            let password = try e.secretForWrite(secret, purpose: "new password for \(admin) on \(i.name)")
            let write = Write(summary: "reset the password of \(i.name)'s administrator \(admin)", question: question,
                              journal: .change(id, "reset the administrator password of \(i.name)")) {
                try await client.resetAdministrator(instance: id, name: admin, password: password)
            }
            guard let r = try await e.perform(write) else { return nil }
            // The SDK's answer is empty; the API reference's carries a job (202 and 200 editions).
            try await e.reportJob(r.jobId, doing: "resetting the password of \(i.name)'s administrator \(admin)",
                                  done: "reset the password of \(i.name)'s administrator \(admin)", wait: wait, on: (id, i.name),
                                  operation: "reset the administrator password of \(i.name)")
            return "reset the administrator password of \(i.name)"
        case .upgrade(let to):
            let versions = try await client.engineVersions(instance: id)
            let available = versions.versions ?? []
            if let to, !available.contains(to) {
                throw EvaluationError("\(i.name) cannot be upgraded to \(to); available: \(available.isEmpty ? "none" : available.joined(separator: ", "))", kind: .notFound)
            }
            guard let target = to ?? versions.latestVersion.flatMap({ available.contains($0) ? $0 : nil }) ?? available.last else {
                await e.sink.message("\(i.name) is on \(versions.currentVersion ?? i.engineVersion ?? "?"), the latest version; nothing to upgrade")
                return nil
            }
            return try await job("upgrade \(i.name) from \(versions.currentVersion ?? i.engineVersion ?? "?") to \(target)", "upgrading \(i.name) to \(target)",
                                 "upgraded \(i.name) to \(target)", undo: inverse(.rollback, wait: true)) {
                try await client.upgradeEngine(instance: id, to: target)
            }
        case .rollback:
            return try await job("roll back the engine upgrade of \(i.name)", "rolling back the engine upgrade of \(i.name)",
                                 "rolled back the engine upgrade of \(i.name)") {
                try await client.rollbackEngine(instance: id)
            }
        }
    }
}
