/// The instance administration statements' grammar (each function's comment is its rule).
extension Parser {
    /// show node <id> | parameters [like '<pattern>'] | parameter templates | parameter template <t>
    /// | slow queries [limit <n>] | [physical] processes | tasks | engine versions; nil for the other targets.
    mutating func adminShow() throws -> AdminStatement? {
        if match("node") { return .showNode(try name("node id")) }
        if match("parameters") {
            if match("like") { return .showParameters(like: try stringValue("pattern")) }
            return .showParameters(like: nil)
        }
        if match("parameter") {
            if match("templates") { return .showParameterTemplates }
            try expect("template", "after 'show parameter'")
            return .showParameterTemplate(try name("template name or id"))
        }
        if match("slow") {
            try expect("queries", "after 'show slow'")
            var f = SlowQueryFilter()
            while true {
                if match("since") { f.since = try value() }
                else if match("user") { f.user = try name("account name") }
                else if match("schema") { f.schema = try name("schema name") }
                else if match("limit") { f.limit = try value() }
                else { break }
            }
            return .showSlowQueries(f)
        }
        if match("processes") { return .showProcesses(physical: false) }
        if match("physical") { try expect("processes", "after 'show physical'"); return .showProcesses(physical: true) }
        if match("tasks") { return .showTasks(since: match("since") ? try value() : nil) }
        if match("engine") { try expect("versions", "after 'show engine'"); return .showEngineVersions }
        return nil
    }

    /// alter instance <i> add nodes <n> [in <az>] | remove nodes <n> | remove node <id>[, …]
    /// | bind eip <ip> id <eip-id> | unbind eip | upgrade [to <version>] | rollback upgrade  [wait]
    mutating func alterInstance(_ i: Expr) throws -> Statement.Kind {
        let change: InstanceChange
        if match("add") {
            try expect("nodes", "after 'add'")
            let count = try value()
            change = .addNodes(count, zone: match("in") ? try name("availability zone") : nil)
        } else if match("remove") {
            if match("nodes") { change = .removeNodes(try value()) } else {
                try expect("node", "after 'remove' (remove nodes <n> or remove node <id>)")
                change = .removeNodeIds(try list("node id"))
            }
        } else if match("bind") {
            try expect("eip", "after 'bind'")
            let ip = try name("public IP address")
            try expect("id", "before the EIP's id")
            change = .bindEIP(ip: ip, id: try name("EIP id"))
        } else if match("unbind") {
            try expect("eip", "after 'unbind'")
            change = .unbindEIP
        } else if match("upgrade") {
            change = .upgrade(to: match("to") ? try name("engine version") : nil)
        } else if match("rollback") {
            try expect("upgrade", "after 'rollback'")
            change = .rollback
        } else {
            throw failure("expected set, add nodes, remove nodes, remove node, bind eip, unbind eip, upgrade or rollback upgrade after the instance name, found \(found)")
        }
        return .admin(.alterInstance(i, change, wait: match("wait")))
    }

    /// alter instance <i> set flavor <code> | set port <n> | set ssl on|off | set read only on|off
    /// | set admin password <secret>  [wait]   (after 'set'; security group is the parser's own)
    mutating func alterInstanceSet(_ i: Expr) throws -> Statement.Kind {
        let change: InstanceChange
        if match("flavor") { change = .flavor(try name("flavor code")) }
        else if match("port") { change = .port(try value()) }
        else if match("ssl") { change = .ssl(try onOff("ssl")) }
        else if match("read") { try expect("only", "after 'read'"); change = .readOnly(try onOff("read only")) }
        else if match("readonly") { change = .readOnly(try onOff("readonly")) }
        else if match("admin") { try expect("password", "after 'admin'"); change = .adminPassword(try secret()) }
        else { throw failure("expected security group, flavor, port, ssl, read only or admin password after 'set', found \(found)") }
        return .admin(.alterInstance(i, change, wait: match("wait")))
    }

    private mutating func onOff(_ what: String) throws -> Bool {
        if match("on") { return true }
        if match("off") { return false }
        throw failure("expected 'on' or 'off' after '\(what)', found \(found)")
    }

    /// set parameter <name> = <value> [, <name> = <value>]… [on instance <i>]   (after 'set parameter')
    mutating func setParameters() throws -> Statement.Kind {
        var assignments: [ParameterAssignment] = []
        repeat {
            let start = current.range.start
            let n = try identifier("parameter name")
            try expect(punct: "=", "after '\(n)'")
            let v = try parameterValue()
            assignments.append(ParameterAssignment(name: n, value: v, range: SourceRange(start, v.range.end)))
        } while match(punct: ",")
        return .admin(.setParameters(assignments, instance: try onInstance()))
    }

    /// A parameter's value: a number, a word (`ON`, `0.5`, `utf8mb4`), a quoted string or a variable.
    private mutating func parameterValue() throws -> Expr {
        let t = current
        switch t.kind {
        // The value as written (`05` stays `05`): the API takes parameter values as strings.
        case .number: advance(); return .name(source.text(t.range), t.range)
        case .string(let s): advance(); return .string(s, t.range)
        default: return try name("parameter value")
        }
    }

    /// apply parameter template <name-or-id> [on instance <i>]   (after 'apply')
    mutating func applyTemplate() throws -> Statement.Kind {
        try expect("parameter", "after 'apply'"); try expect("template", "after 'apply parameter'")
        let t = try name("template name or id")
        return .admin(.applyParameterTemplate(t, instance: try onInstance()))
    }

    /// kill [physical] process <id>[, …]   (after 'kill')
    mutating func kill() throws -> Statement.Kind {
        let physical = match("physical")
        try expect("process", physical ? "after 'kill physical'" : "after 'kill'")
        return .admin(.killProcesses(try list("process id"), physical: physical))
    }

    private mutating func onInstance() throws -> Expr? {
        guard match("on") else { return nil }
        try expect("instance", "after 'on'")
        return try name("instance name")
    }
}
