import DDMKit

/// What each instance change is, says and does, one row a change: the one switch over the
/// resolved change. A row's run checks what the client can know before sending, then sends the
/// write through the executor with the statement that reverses it, where there is one.
extension AlterInstance where P == Resolved {
    struct Clause: Sendable {
        var id: StatementID
        /// The words after the instance's name, as the statement prints them.
        var words: String
        /// The calls after the instance is resolved; those that start a job poll it with `wait`.
        var calls: [PlannedCall]
        var startsJob = true
        var question: String? = nil
        /// The plan's line, where it must say less than the statement (a secret's source).
        var headline: String? = nil
        var run: @Sendable (isolated Evaluator, Instance) async throws -> String?
    }

    var clause: Clause {
        typealias Call = PlannedCall
        let name = instance
        switch change {
        case .securityGroup(let group):
            return Clause(id: .setSecurityGroup, words: "set security group \(SourceText.name(group))",
                          calls: [Call(.modifySecurityGroup, "modify security group")], startsJob: false) { e, i in
                let client = e.client
                let write = Write(summary: "set security group \(group) on \(i.name)", question: question,
                                  journal: .change(i.id, "set security group \(group) on \(i.name)",
                                                   undo: i.securityGroupId.map { inverse(.securityGroup($0), on: i) })) {
                    try await client.modifySecurityGroup(i.id, securityGroupId: group)
                }
                guard try await e.perform(write) != nil else { return nil }
                await e.sink.message("security group of \(i.name) is now \(group)")
                return "set security group of \(i.name)"
            }
        case .addNodes(let n, let zone):
            return Clause(id: .addNodes, words: "add nodes \(n)" + (zone.map { " in \(SourceText.name($0))" } ?? ""),
                          calls: [Call(.addNodes, "add nodes")]) { e, i in
                guard let az = zone ?? i.availableZone?.split(separator: ",").first.map(String.init) else {
                    throw EvaluationError("cannot tell which zone \(i.name)'s nodes are in; say it: add nodes \(n) in <az>")
                }
                let plural = n == 1 ? "node" : "nodes", client = e.client
                return try await job(e, i, "add \(n) \(plural) in \(az) to \(i.name)", "adding \(n) \(plural) to \(i.name)", "added \(n) \(plural) to \(i.name)") {
                    try await client.addNodes(instance: i.id, zones: Array(repeating: az, count: n), flavorId: { [e] in try await e.flavorId(of: i) })
                }
            }
        case .removeNodes(let n):
            return Clause(id: .removeNodes, words: "remove nodes \(n)", calls: [Call(.removeNodes, "remove nodes, by count (v2)")],
                          question: "remove \(n) node\(n == 1 ? "" : "s") from \(name)?") { e, i in
                if let count = i.nodeCount, n >= count {
                    throw EvaluationError("\(i.name) has \(count) node\(count == 1 ? "" : "s"); at least one must remain")
                }
                let nodes = "\(n) node\(n == 1 ? "" : "s")", client = e.client
                return try await job(e, i, "remove \(nodes) from \(i.name)", "removing \(nodes) from \(i.name)", "removed \(nodes) from \(i.name)") {
                    try await client.removeNodes(instance: i.id, count: n)
                }
            }
        case .removeNodeIds(let ids):
            return Clause(id: .removeNodes, words: "remove node \(SourceText.names(ids))", calls: [Call(.deleteNodes, "remove the named nodes")],
                          question: "remove node\(ids.count == 1 ? "" : "s") \(ids.joined(separator: ", ")) from \(name)?") { e, i in
                let list = ids.joined(separator: ", "), client = e.client
                return try await job(e, i, "remove node \(list) from \(i.name)", "removing node \(list) from \(i.name)", "removed node \(list) from \(i.name)") {
                    try await client.deleteNodes(instance: i.id, nodes: ids)
                }
            }
        case .flavor(let code):
            return Clause(id: .setFlavor, words: "set flavor \(SourceText.name(code))",
                          calls: [Call(.listEngines, "list engines"), Call(.listFlavors, "list flavors, to check the code"), Call(.resizeFlavor, "change flavor")],
                          question: "change the flavor of \(name) to \(code)?") { e, i in
                let flavors = try await e.flavors(of: i)
                guard flavors.contains(where: { $0.code == code }) else {
                    throw EvaluationError("flavor '\(code)' does not exist; flavors: \(flavors.compactMap(\.code).joined(separator: ", "))", kind: .notFound, focus: code)
                }
                if i.flavorRef == code {
                    await e.sink.message("\(i.name) already has flavor \(code); nothing to change")
                    // Already on its way there (an earlier run's change, still resizing): `wait` still
                    // means the statements after it find the instance RUNNING.
                    if wait && !e.options.dryRun && i.status != "RUNNING" { try await e.waitRunning(i.id, name: i.name) }
                    return nil
                }
                let client = e.client
                return try await job(e, i, "change the flavor of \(i.name) from \(i.flavorRef ?? "?") to \(code)", "changing the flavor of \(i.name) to \(code)",
                                     "changed the flavor of \(i.name) to \(code)", undo: i.flavorRef.map { inverse(.flavor($0), on: i, wait: true) }) {
                    try await client.resizeFlavor(instance: i.id, code: code)
                }
            }
        case .port(let p):
            return Clause(id: .setPort, words: "set port \(p)", calls: [Call(.modifyPort, "change port")],
                          question: "change the port of \(name) to \(p)? Clients must reconnect to the new port.") { e, i in
                if i.accessPort == String(p) { await e.sink.message("\(i.name) already listens on port \(p); nothing to change"); return nil }
                let client = e.client
                return try await job(e, i, "change the port of \(i.name) from \(i.accessPort ?? "?") to \(p)", "changing the port of \(i.name) to \(p)",
                                     "changed the port of \(i.name) to \(p)", undo: i.accessPort.flatMap(Int.init).map { inverse(.port($0), on: i) }) {
                    try await client.modifyPort(instance: i.id, port: p)
                }
            }
        case .ssl(let on):
            let state = on ? "on" : "off"
            return Clause(id: .setSSL, words: "set ssl \(state)", calls: [Call(.switchSSL, "switch ssl")], question: "switch SSL \(state) on \(name)?") { e, i in
                let client = e.client
                return try await job(e, i, "switch SSL \(state) for \(i.name)", "switching SSL \(state) for \(i.name)", "switched SSL \(state) for \(i.name)",
                                     undo: i.enableSsl.flatMap { $0 == on ? nil : inverse(.ssl($0), on: i, wait: true) }) {
                    try await client.switchSSL(instance: i.id, on: on)
                }
            }
        case .readOnly(let on):
            return Clause(id: .setReadOnly, words: "set read only \(on ? "on" : "off")", calls: [Call(.setReadOnly, "set read-only")],
                          question: on ? "make \(name) read-only? Writes through it fail until it is set back." : nil) { e, i in
                let state = on ? "read-only" : "read-write", client = e.client
                return try await job(e, i, "make \(i.name) \(state)", "making \(i.name) \(state)", "made \(i.name) \(state)", readOnly: on) {
                    try await client.setReadOnly(instance: i.id, on: on)
                }
            }
        case .bindEIP(let ip, let eip):
            return Clause(id: .bindEIP, words: "bind eip \(ip) id \(SourceText.name(eip))", calls: [Call(.bindEIP, "bind eip")]) { e, i in
                let client = e.client
                return try await job(e, i, "bind EIP \(ip) to \(i.name)", "binding EIP \(ip) to \(i.name)", "bound EIP \(ip) to \(i.name)",
                                     undo: inverse(.unbindEIP, on: i)) {
                    try await client.bindEIP(instance: i.id, ip: ip, id: eip)
                }
            }
        case .unbindEIP:
            return Clause(id: .unbindEIP, words: "unbind eip", calls: [Call(.unbindEIP, "unbind eip")],
                          question: "unbind the EIP of \(name)? Clients using the public address lose it.") { e, i in
                let client = e.client
                return try await job(e, i, "unbind the EIP of \(i.name)", "unbinding the EIP of \(i.name)", "unbound the EIP of \(i.name)") {
                    try await client.unbindEIP(instance: i.id)
                }
            }
        case .adminPassword(let secret):
            return Clause(id: .setAdminPassword, words: "set admin password \(SourceText.secret(secret))",
                          calls: [Call(.showInstance, "the administrator's name"), Call(.resetAdministrator, "reset administrator password")],
                          headline: "alter instance \(SourceText.name(name)) set admin password") { e, i in
                let client = e.client
                let admin = try await client.showInstance(i.id).adminUserName ?? "root"
                let password = try e.secretForWrite(secret, purpose: "new password for \(admin) on \(i.name)")
                let write = Write(summary: "reset the password of \(i.name)'s administrator \(admin)", question: question,
                                  journal: .change(i.id, "reset the administrator password of \(i.name)")) {
                    try await client.resetAdministrator(instance: i.id, name: admin, password: password)
                }
                guard let r = try await e.perform(write) else { return nil }
                // The SDK's answer is empty; the API reference's carries a job (202 and 200 editions).
                try await e.reportJob(r.jobId, doing: "resetting the password of \(i.name)'s administrator \(admin)",
                                      done: "reset the password of \(i.name)'s administrator \(admin)", wait: wait, on: (i.id, i.name),
                                      operation: "reset the administrator password of \(i.name)")
                return "reset the administrator password of \(i.name)"
            }
        case .upgrade(let to):
            return Clause(id: .upgradeEngine, words: "upgrade" + (to.map { " to \(SourceText.name($0))" } ?? ""),
                          calls: (to == nil ? [Call(.listEngineVersions, "the latest version")] : []) + [Call(.upgradeEngine, "upgrade engine")],
                          question: "upgrade the engine of \(name)\(to.map { " to " + $0 } ?? " to the latest version")?") { e, i in
                let client = e.client
                let versions = try await client.engineVersions(instance: i.id)
                let available = versions.versions ?? []
                if let to, !available.contains(to) {
                    throw EvaluationError("\(i.name) cannot be upgraded to \(to); available: \(available.isEmpty ? "none" : available.joined(separator: ", "))", kind: .notFound, focus: to)
                }
                guard let target = to ?? versions.latestVersion.flatMap({ available.contains($0) ? $0 : nil }) ?? available.last else {
                    await e.sink.message("\(i.name) is on \(versions.currentVersion ?? i.engineVersion ?? "?"), the latest version; nothing to upgrade")
                    return nil
                }
                return try await job(e, i, "upgrade \(i.name) from \(versions.currentVersion ?? i.engineVersion ?? "?") to \(target)", "upgrading \(i.name) to \(target)",
                                     "upgraded \(i.name) to \(target)", undo: inverse(.rollback, on: i, wait: true)) {
                    try await client.upgradeEngine(instance: i.id, to: target)
                }
            }
        case .rollback:
            return Clause(id: .rollbackEngine, words: "rollback upgrade", calls: [Call(.rollbackEngine, "roll back engine")],
                          question: "roll back the engine upgrade of \(name)?") { e, i in
                let client = e.client
                return try await job(e, i, "roll back the engine upgrade of \(i.name)", "rolling back the engine upgrade of \(i.name)",
                                     "rolled back the engine upgrade of \(i.name)") {
                    try await client.rollbackEngine(instance: i.id)
                }
            }
        }
    }

    /// The change as a job: sent through the executor, said, and waited for when asked.
    private func job(_ e: isolated Evaluator, _ i: Instance, _ summary: String, _ doing: String, _ done: String, undo: (any Step)? = nil,
                     readOnly: Bool? = nil, _ call: @escaping () async throws -> JobAnswer) async throws -> String? {
        let write = Write(summary: summary, question: question, journal: .change(i.id, done, undo: undo, readOnly: readOnly),
                          staleInstances: true, call: call)
        return try await e.performJob(write, doing: doing, operation: done, done: done, wait: wait, on: (i.id, i.name))
    }

    private func inverse(_ change: Change, on i: Instance, wait: Bool = false) -> Self { Self(instance: i.id, change: change, wait: wait) }

    func run(in e: isolated Evaluator) async throws -> String? {
        try await clause.run(e, try await e.resolve(instance))
    }
}
