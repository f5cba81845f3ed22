import DDMKit

extension StatementID {
    static let createParameterTemplate = StatementID("createParameterTemplate"), alterParameterTemplate = StatementID("alterParameterTemplate")
    static let dropParameterTemplate = StatementID("dropParameterTemplate"), showTemplateInstances = StatementID("showTemplateInstances")
    static let showTemplateHistory = StatementID("showTemplateHistory")
}

/// Parameter templates made, copied, changed and dropped; the instances one can be applied to and
/// its apply history (docs/language.md, "Operating an instance"). v3 only. Applying one is
/// `apply parameter template` (Parameters.swift), in a fleet for many instances.
enum ParameterTemplateStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.createParameterTemplate, topic: "parameters", path: ["create", "parameter", "template"],
                       grammar: "create parameter template <name> [from <template>] [description '…'] [with <name> = <value>, …];  (from: a copy)",
                       example: "create parameter template busy-shop with max_connections = 40000, long_query_time = 2;",
                       words: ["from", "description", "with"],
                       operations: [.createParameterTemplate, .listParameterTemplates, .copyParameterTemplate]),
        StatementEntry(.alterParameterTemplate, topic: "parameters", path: ["alter", "parameter", "template"],
                       grammar: "alter parameter template <t> [set <name> = <value>, …] [description '…'] [rename to <new>];  (undo sets back what it changed)",
                       example: "alter parameter template busy-shop set long_query_time = 1;", words: ["set", "description", "rename", "to"],
                       operations: [.listParameterTemplates, .showParameterTemplate, .modifyParameterTemplate]),
        StatementEntry(.dropParameterTemplate, topic: "parameters", path: ["drop", "parameter", "template"],
                       grammar: "drop parameter template <t>;  (asks in the REPL; undo makes it again with its values)", example: "drop parameter template busy-shop;",
                       operations: [.listParameterTemplates, .showParameterTemplate, .deleteParameterTemplate]),
        StatementEntry(.showTemplateInstances, topic: "parameters", path: ["show", "parameter", "template"],
                       grammar: "show parameter template <t> instances;  (the instances it can be applied to)", example: "show parameter template high-concurrency instances;",
                       words: ["instances", "history"], operations: [.listParameterTemplates, .listTemplateInstances]),
        StatementEntry(.showTemplateHistory, topic: "parameters", path: ["show", "parameter", "template"],
                       grammar: "show parameter template <t> history;  (where DDM applied it, and how that went)", example: "show parameter template high-concurrency history;",
                       words: ["instances", "history"], operations: [.listParameterTemplates, .listTemplateApplyHistory]),
    ]

    static let rules = [
        ParseRule("create parameter template", CreateParameterTemplate<Parsed>.parse),
        ParseRule("alter parameter template", AlterParameterTemplate<Parsed>.parse),
        drop.rule,
    ]

    /// "1-64 characters: a-z, A-Z, 0-9, '.', '_' and '-'" (SDK `ConfigurationUpdateReqV3.name`).
    static func checkName(_ e: Expr, _ c: inout Compiler) throws -> String {
        let n = try c.scalar(e, "template name")
        guard (1...64).contains(n.utf8.count), n.utf8.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) || "._-".utf8.contains($0) }) else {
            throw Compiler.Failure(.instance(.invalidTemplateName(n)), range: e.range)
        }
        return n
    }

    /// "0-256 characters, none of ! < > = & \" '" (SDK `ConfigurationUpdateReqV3.description`).
    static func checkDescription(_ e: Expr?, _ c: inout Compiler) throws -> String? {
        guard let e else { return nil }
        let d = try c.scalar(e, "description")
        guard d.count <= 256, !d.contains(where: { "!<>=&\"'".contains($0) }) else {
            throw Compiler.Failure(.instance(.invalidTemplateDescription), range: e.range)
        }
        return d
    }

    static func text(_ values: [String: String]) -> String {
        values.sorted { $0.key < $1.key }.map { "\($0.key) = \(SourceText.string($0.value))" }.joined(separator: ", ")
    }
}

// MARK: create parameter template

struct CreateParameterTemplate<P: Phase>: Sendable, Equatable {
    var name: P.Text
    var from: P.Text?
    var description: P.Text?
    var settings: [ParameterSetting<P>]
}

extension CreateParameterTemplate: StatementSyntax where P == Parsed {
    /// create parameter template <name> [from <t>] [description '…'] [with <k> = <v>, …]
    static func parse(_ p: inout Parser) throws -> Self {
        let name = try p.name("template name")
        let from = p.match("from") ? try p.name("template name or id") : nil
        let description = p.match("description") ? try p.stringValue("description") : nil
        let settings = p.match("with") ? try ParameterSetting.list(&p) : []
        return Self(name: name, from: from, description: description, settings: settings)
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        if from != nil, let first = settings.first {
            throw Compiler.Failure(.instance(.copyTakesValues), range: first.range)
        }
        return CreateParameterTemplate<Resolved>(name: try ParameterTemplateStatements.checkName(name, &c), from: try from.map { try c.scalar($0, "template") },
                                                 description: try ParameterTemplateStatements.checkDescription(description, &c),
                                                 settings: try ParameterSetting.resolve(settings, &c).sorted { $0.name < $1.name })
    }
}

extension CreateParameterTemplate: Step where P == Resolved {
    var id: StatementID { .createParameterTemplate }
    var values: [String: String] { Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0.value) }) }
    var text: String {
        "create parameter template \(SourceText.name(name))" + (from.map { " from \(SourceText.name($0))" } ?? "")
            + (description.map { " description \(SourceText.string($0))" } ?? "")
            + (settings.isEmpty ? "" : " with " + ParameterTemplateStatements.text(values))
    }
    var calls: [PlannedCall] {
        from == nil ? [PlannedCall(.createParameterTemplate, "create parameter template", object: name)]
            : [PlannedCall(.listParameterTemplates, "find the template to copy"), PlannedCall(.copyParameterTemplate, "copy parameter template", object: name)]
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let client = e.client, name = name, description = description, values = values
        let undo = NameStatement<Resolved>(form: ParameterTemplateStatements.drop, name: name)
        // The run leaves a taken name to the service's refusal (one call fewer); the dry run
        // reads the list to say that refusal is coming.
        if e.options.dryRun, try await e.client.allParameterTemplates().contains(where: { $0.name == name }) {
            throw e.refusal(EvaluationError("parameter template '\(name)' already exists", kind: .failed))
        }
        if e.options.dryRun { e.dryRunCreated.insert("parameter template \(name)") }
        if let from {
            let source = try await e.template(from)
            let write = Write(summary: "copy parameter template \(source.name) as \(name)", journal: .change("", "created parameter template \(name)", undo: undo)) {
                try await client.copyParameterTemplate(source.id, to: name, description: description)
                return true
            }
            return try await e.perform(write, done: "created parameter template \(name), a copy of \(source.name)")
        }
        let write = Write(summary: "create parameter template \(name)", journal: .change("", "created parameter template \(name)", undo: undo)) {
            try await client.createParameterTemplate(name: name, description: description, values: values)
        }
        guard let created = try await e.perform(write) else { return nil }
        let done = "created parameter template \(name)" + (values.isEmpty ? "" : " (\(values.count) value\(values.count == 1 ? "" : "s"))")
        // The new template's id, as the answer gives it (`CreateDdmConfigurationsResponse.id`).
        await e.sink.message(done + (created.id.map { ", id \($0)" } ?? ""))
        return done
    }
}

// MARK: alter parameter template

struct AlterParameterTemplate<P: Phase>: Sendable, Equatable {
    var template: P.Text
    var settings: [ParameterSetting<P>]
    var description: P.Text?
    var rename: P.Text?
}

extension AlterParameterTemplate: StatementSyntax where P == Parsed {
    /// alter parameter template <t> [set <k> = <v>, …] [description '…'] [rename to <new>]
    static func parse(_ p: inout Parser) throws -> Self {
        let template = try p.name("template name or id")
        var out = Self(template: template, settings: [], description: nil, rename: nil)
        var seen: Set<String> = []
        while true {
            if p.match("set") { try p.once("set", &seen); out.settings = try ParameterSetting.list(&p) }
            else if p.match("description") { try p.once("description", &seen); out.description = try p.stringValue("description") }
            else if p.match("rename") { try p.once("rename to", &seen); try p.expect("to", "after 'rename'"); out.rename = try p.name("new template name") }
            else { break }
        }
        guard !out.settings.isEmpty || out.description != nil || out.rename != nil else {
            throw p.failure(.expected("set <name> = <value>, description '…' or rename to <new>", after: "the template", found: p.found))
        }
        return out
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        return AlterParameterTemplate<Resolved>(template: try c.scalar(template, "template"),
                                                settings: try ParameterSetting.resolve(settings, &c).sorted { $0.name < $1.name },
                                                description: try ParameterTemplateStatements.checkDescription(description, &c),
                                                rename: try rename.map { try ParameterTemplateStatements.checkName($0, &c) })
    }
}

extension AlterParameterTemplate: Step where P == Resolved {
    var id: StatementID { .alterParameterTemplate }
    var values: [String: String] { Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0.value) }) }
    var text: String {
        "alter parameter template \(SourceText.name(template))" + (settings.isEmpty ? "" : " set " + ParameterTemplateStatements.text(values))
            + (description.map { " description \(SourceText.string($0))" } ?? "") + (rename.map { " rename to \(SourceText.name($0))" } ?? "")
    }
    var calls: [PlannedCall] {
        [PlannedCall(.listParameterTemplates, "find the template"), PlannedCall(.showParameterTemplate, "its values now (what changes, and undo's)"),
         PlannedCall(.modifyParameterTemplate, "modify parameter template")]
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let t = try await e.template(template)
        if t.userDefined == false { throw e.refusal(EvaluationError("\(t.name) is one of DDM's own templates; it cannot be changed (copy it: create parameter template <n> from \(t.name))")) }
        let detail = try await e.client.showParameterTemplate(t.id)
        let now = Dictionary((detail.configurationParameters ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in values {
            guard let p = now[name] else {
                var message = "unknown parameter '\(name)'"
                if let close = Suggestion.closest(to: name, in: Array(now.keys)) { message += "; did you mean '\(close)'?" }
                throw EvaluationError(message, kind: .notFound)
            }
            if let problem = ParameterRange(p.valueRange).problem(with: value) { throw EvaluationError("invalid value '\(value)' for \(name): \(problem)") }
        }
        let changed = values.filter { now[$0.key]?.value != $0.value }
        let newName = rename.flatMap { $0 == t.name ? nil : $0 }
        let newDescription = description.flatMap { $0 == (t.description ?? "") ? nil : $0 }
        guard !changed.isEmpty || newName != nil || newDescription != nil else {
            await e.sink.message("parameter template \(t.name) already is so; nothing to change")
            return nil
        }
        let before = Dictionary(uniqueKeysWithValues: changed.keys.map { ($0, now[$0]?.value ?? "") })
        let undo = AlterParameterTemplate<Resolved>(template: newName ?? t.name, settings: before.map { ParameterSetting(name: $0.key, value: $0.value, range: SourceRange(0, 0)) }.sorted { $0.name < $1.name },
                                                    description: newDescription == nil ? nil : t.description ?? "", rename: newName == nil ? nil : t.name)
        let change = TemplateChange(name: newName, description: newDescription, values: changed)
        let summary = "change parameter template \(t.name): " + ([changed.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value) (was \(now[$0.key]?.value ?? "-"))" }.joined(separator: ", ")]
            + (newDescription.map { ["description '\($0)'"] } ?? []) + (newName.map { ["renamed to \($0)"] } ?? [])).filter { !$0.isEmpty }.joined(separator: "; ")
        let client = e.client
        let write = Write(summary: summary, journal: .change("", "changed parameter template \(t.name)", undo: undo)) {
            try await client.modifyParameterTemplate(t.id, change)
        }
        guard let r = try await e.perform(write) else { return nil }
        await e.sink.message(summary.replacingOccurrences(of: "change parameter template", with: "changed parameter template"))
        if r.needRestart == true { await e.sink.message("instances that take these values need a restart for them to take effect") }
        return "changed parameter template \(t.name)"
    }
}

// MARK: drop parameter template

extension ParameterTemplateStatements {
    /// drop parameter template <name-or-id>
    static let drop = NameStatementForm(.dropParameterTemplate, "drop parameter template", noun: "template name or id", reading: .one("template"),
                                        calls: { _, _ in
        [PlannedCall(.listParameterTemplates, "find the template"), PlannedCall(.showParameterTemplate, "its values (for undo)"),
         PlannedCall(.deleteParameterTemplate, "delete parameter template")]
    }) { e, s in
        let t = try await e.template(s.name)
        if t.userDefined == false { throw e.refusal(EvaluationError("\(t.name) is one of DDM's own templates; it cannot be dropped")) }
        let detail = try await e.client.showParameterTemplate(t.id)
        // Empty values are the defaults' way of saying "none": a template cannot be given one.
        let values = Dictionary((detail.configurationParameters ?? []).compactMap { p in p.value.flatMap { $0.isEmpty ? nil : (p.name, $0) } }, uniquingKeysWith: { a, _ in a })
        let undo = CreateParameterTemplate<Resolved>(name: t.name, from: nil, description: t.description.flatMap { $0.isEmpty ? nil : $0 },
                                                     settings: values.map { ParameterSetting(name: $0.key, value: $0.value, range: SourceRange(0, 0)) }.sorted { $0.name < $1.name })
        let client = e.client
        let write = Write(summary: "drop parameter template \(t.name)", question: "drop parameter template \(t.name)? undo makes it again with its values, under a new id",
                          journal: .change("", "dropped parameter template \(t.name)", undo: undo)) {
            try await client.deleteParameterTemplate(t.id)
            return true
        }
        return try await e.perform(write, done: "dropped parameter template \(t.name)")
    }
}

// MARK: show parameter template <t> instances | history

struct TemplateListing<P: Phase>: Sendable, Equatable {
    var template: P.Text
    var history: Bool
}

extension TemplateListing: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { TemplateListing<Resolved>(template: try c.scalar(template, "template"), history: history) }
}

extension TemplateListing: Step where P == Resolved {
    var id: StatementID { history ? .showTemplateHistory : .showTemplateInstances }
    var text: String { "show parameter template \(SourceText.name(template)) \(history ? "history" : "instances")" }
    var calls: [PlannedCall] {
        [PlannedCall(.listParameterTemplates, "find the template"),
         history ? PlannedCall(.listTemplateApplyHistory, "its apply history, every page") : PlannedCall(.listTemplateInstances, "the instances it can be applied to, every page")]
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let t = try await e.template(template)
        if history {
            let all = try await e.client.allTemplateApplyHistory(t.id)
            await e.sink.table(ResultTable(columns: ["instance", "result", "applied", "error"], rows: all.map {
                [$0.targetName ?? $0.targetId ?? "", $0.applyResult ?? "", $0.appliedAt ?? "", $0.errorMessage ?? ""]
            }))
        } else {
            let all = try await e.client.allTemplateInstances(t.id)
            await e.sink.table(ResultTable(columns: ["instance", "id"], rows: all.map { [$0.instanceName ?? "", $0.instanceId ?? ""] }))
        }
        return nil
    }
}
