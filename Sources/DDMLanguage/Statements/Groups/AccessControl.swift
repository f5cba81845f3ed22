import DDMKit

// MARK: show access control for group

extension GroupStatements {
    /// show access control for group <g>
    static let accessControl = NameStatementForm(.showAccessControl, "show access control for group", noun: "group name", calls: { _, _ in
        [PlannedCall(.listGroups, "find the group"), PlannedCall(.showGroupACL, "its IP access control list")]
    }) { e, s in
        let instance = try await e.instanceId()
        let g = try await e.group(s.name, instance: instance)
        let acl = try await e.client.groupACL(instance: instance, group: g.id)
        await e.sink.message("access control of group \(g.name ?? s.name) (\(g.endpoint ?? "no address")): " + AccessControlText.state(acl))
        await e.sink.table(ResultTable(columns: ["address", "description"], rows: acl.addresses.map { [$0.ip, $0.description] }))
        return nil
    }
}

enum AccessControlText {
    /// `off`, `whitelist of 2 addresses`, `blacklist of 1 address`.
    static func short(_ acl: GroupACL) -> String {
        guard acl.enabledReported else { return "unknown" }
        guard acl.enabled else { return "off" }
        return "\(acl.kindReported ? acl.whitelist ? "whitelist" : "blacklist" : "list of unknown kind") of \(acl.addresses.count) address\(acl.addresses.count == 1 ? "" : "es")"
    }

    /// What the service said, and only that: an answer that leaves out whether access control is
    /// on (or which kind of list it is) is shown as unknown, never as off: off would misstate who
    /// can connect.
    static func state(_ acl: GroupACL) -> String {
        guard acl.enabledReported else { return "unknown (the service did not say whether access control is on)" }
        guard acl.enabled else { return acl.addresses.isEmpty ? "off (anyone in the VPC connects)" : "off (anyone in the VPC connects; the list below is kept)" }
        guard acl.kindReported else { return "on (the service did not say whether the list below is a whitelist or a blacklist)" }
        return acl.whitelist ? "whitelist (only the addresses below connect)" : "blacklist (the addresses below cannot connect)"
    }
}

// MARK: alter group

struct AlterGroup<P: Phase>: Sendable, Equatable {
    var group: P.Text
    var change: Change

    enum Change: Sendable, Equatable {
        case access(whitelist: Bool, addresses: P.Texts)
        case accessOn(Bool)
        case address(P.Text, wait: Bool)
    }
}

extension AlterGroup: StatementSyntax where P == Parsed {
    /// alter group <g> set access whitelist|blacklist (…) | on | off
    /// alter group <g> set address '<ip>' [wait]
    static func parse(_ p: inout Parser) throws -> Self {
        let group = try p.name("group name")
        try p.expect("set", "after the group (alter group <g> set access … | set address …)")
        if p.match("address") {
            let ip = try p.stringValue("address")
            return Self(group: group, change: .address(ip, wait: p.match("wait")))
        }
        try p.expect("access", "after 'set' (set access … or set address …)")
        if p.match("on") { return Self(group: group, change: .accessOn(true)) }
        if p.match("off") { return Self(group: group, change: .accessOn(false)) }
        for (word, white) in [("whitelist", true), ("blacklist", false)] where p.match(word) {
            return Self(group: group, change: .access(whitelist: white, addresses: try p.item("IP address or CIDR block")))
        }
        throw p.failure(.expected("whitelist (…), blacklist (…), on or off", after: "'set access'", found: p.found))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let change: AlterGroup<Resolved>.Change
        switch self.change {
        case .access(let white, let e):
            let list = try c.strings(e)
            guard !list.isEmpty else { throw Compiler.Failure(.instance(.emptyAccessList(white: white)), range: e.range) }
            for a in list where !Names.ipv4(a, block: true) {
                throw Compiler.Failure(.notIPv4(a, block: true), range: e.range)
            }
            change = .access(whitelist: white, addresses: list)
        case .accessOn(let on): change = .accessOn(on)
        case .address(let e, let wait):
            let ip = try c.scalar(e, "address")
            guard Names.ipv4(ip) else { throw Compiler.Failure(.notIPv4(ip), range: e.range) }
            change = .address(ip, wait: wait)
        }
        return AlterGroup<Resolved>(group: try c.scalar(group, "group name"), change: change)
    }
}

extension AlterGroup: Step where P == Resolved {
    var id: StatementID {
        if case .address = change { return .setGroupAddress }
        return .setAccessControl
    }
    var text: String {
        let s = "alter group \(SourceText.name(group)) set "
        switch change {
        case .access(let white, let list): return s + "access \(white ? "whitelist" : "blacklist") (\(list.map(SourceText.string).joined(separator: ", ")))"
        case .accessOn(let on): return s + "access \(on ? "on" : "off")"
        case .address(let ip, let wait): return s + "address \(SourceText.string(ip))" + (wait ? " wait" : "")
        }
    }
    var calls: [PlannedCall] {
        let find = PlannedCall(.listGroups, "find the group")
        switch change {
        case .address(_, let wait):
            return [find, PlannedCall(.modifyGroupAddress, "change load balancer address")]
                + (wait ? [PlannedCall(.showInstance, "poll until RUNNING"), PlannedCall(.showJob, "poll the job")] : [])
        default:
            return [find, PlannedCall(.showGroupACL, "the list now (what changes, and undo's)"), PlannedCall(.switchGroupACL, "set the whole list")]
        }
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let g = try await e.group(group, instance: instance)
        let name = g.name ?? group
        let client = e.client
        if case .address(let ip, let wait) = change {
            let before = g.address
            if before == ip {
                await e.sink.message("group \(name)'s address is already \(ip); nothing to change")
                return nil
            }
            let undo = before.map { AlterGroup(group: name, change: .address($0, wait: false)) }
            let question = "move group \(name)'s load balancer from \(before ?? "its address") to \(ip)? Clients connected to the old address must reconnect"
            let write = Write(summary: "move group \(name)'s address to \(ip)", question: question,
                              journal: .change(instance, "moved group \(name)'s address from \(before ?? "?") to \(ip)", undo: undo), staleInstances: true) {
                try await client.setGroupAddress(instance: instance, group: g.id, ip: ip)
            }
            return try await e.performJob(write, doing: "moving group \(name)'s address to \(ip)", operation: "move group \(name)'s address",
                                          done: "moved group \(name)'s address to \(ip)", wait: wait, on: (instance, e.currentInstanceName ?? instance))
        }
        let before = try await client.groupACL(instance: instance, group: g.id)
        var after = before
        switch change {
        case .access(let white, let list):
            after.enabled = true
            after.whitelist = white
            // An address that stays keeps its description.
            after.addresses = list.map { ip in before.addresses.first { $0.ip == ip } ?? GroupACL.Address(ip: ip) }
        case .accessOn(let on):
            if on && before.addresses.isEmpty {
                throw EvaluationError("group \(name) has no list to turn on; give one: alter group \(name) set access whitelist (…)")
            }
            after.enabled = on
        case .address: return nil
        }
        after.enabledReported = true
        after.kindReported = true
        // A state the service did not report is no reason to skip the change: send it.
        var changes = Self.changes(from: before, to: after)
        if !before.enabledReported { changes = ["access control: unknown → \(after.enabled ? "on" : "off")"] + changes.filter { !$0.hasPrefix("access control:") } }
        guard !changes.isEmpty else {
            await e.sink.message("access control of group \(name) is already so; nothing to change")
            return nil
        }
        for line in changes { await e.sink.message("  \(line)") }
        // Undo puts back the list as it was, the one kept while access control was off included,
        // and then turns it off again if it was off. What was not reported cannot be put back:
        // no undo then.
        let list = before.addresses.isEmpty ? nil : AlterGroup(group: name, change: .access(whitelist: before.whitelist, addresses: before.addresses.map(\.ip)))
        let undo = !before.enabledReported ? "" : [before.enabled ? nil : AlterGroup(group: name, change: .accessOn(false)), list]
            .compactMap { $0 }.map { $0.text + ";" }.reversed().joined(separator: "\n")
        let n = after.addresses.count, through = "through \(g.endpoint ?? "its address") from then on"
        let effect = !after.enabled ? "Anyone in the VPC connects \(through)"
            : after.whitelist ? (n == 1 ? "Only this address connects" : "Only these \(n) addresses connect") + " \(through); open sessions from others may be cut"
            : (n == 1 ? "This address cannot connect" : "These \(n) addresses cannot connect") + " \(through)"
        let summary = "set the access control of group \(name) to \(AccessControlText.short(after))"
        let write = Write(summary: summary, question: "\(summary)? \(effect)",
                          journal: .instanceChange(instance: instance, description: "set the access control of group \(name)", inverse: undo.isEmpty ? nil : undo)) {
            try await client.setGroupACL(instance: instance, group: g.id, after)
            return true
        }
        return try await e.perform(write, done: "access control of group \(name) is now \(AccessControlText.short(after))")
    }

    /// What the change does: on/off, whitelist/blacklist, and each address that comes or goes.
    static func changes(from a: GroupACL, to b: GroupACL) -> [String] {
        var out: [String] = []
        if a.enabled != b.enabled { out.append("access control: \(a.enabled ? "on" : "off") → \(b.enabled ? "on" : "off")") }
        if b.enabled, a.whitelist != b.whitelist || !a.enabled && a.addresses.isEmpty {
            out.append("mode: \(a.addresses.isEmpty && !a.enabled ? "none" : a.whitelist ? "whitelist" : "blacklist") → \(b.whitelist ? "whitelist" : "blacklist")")
        }
        let old = a.addresses.map(\.ip), new = b.addresses.map(\.ip)
        out += old.filter { !new.contains($0) }.map { "- \($0)" } + new.filter { !old.contains($0) }.map { "+ \($0)" }
        return out
    }
}
