import DDMKit

extension StatementID {
    static let showParameters = StatementID("showParameters"), setParameters = StatementID("setParameters")
    static let showParameterTemplates = StatementID("showParameterTemplates"), showParameterTemplate = StatementID("showParameterTemplate")
    static let applyParameterTemplate = StatementID("applyParameterTemplate")
    static let compareParameterTemplate = StatementID("compareParameterTemplate")
}

/// An instance's parameters and the parameter templates (docs/language.md, "Operating an instance").
enum ParameterStatements: StatementFamily {

    static let entries: [StatementEntry] = [
        StatementEntry(.showParameters, topic: "parameters", path: ["show", "parameters"], grammar: "show parameters [like '<pattern>'];  (% and _ as in SQL LIKE)",
                       example: "show parameters like '%connections%';", words: ["like"],
                       needsInstance: true, operations: [.showParameters]),
        StatementEntry(.setParameters, topic: "parameters", path: ["set", "parameter"],
                       grammar: "set parameter <name> = <value> [, <name> = <value>]… [on instance <i>];",
                       example: "set parameter max_connections = 30000, long_query_time = 2;", words: ["on", "instance"],
                       needsInstance: true,
                       operations: [.listInstances, .showParameters, .modifyParameters]),
        StatementEntry(.showParameterTemplates, topic: "parameters", path: ["show", "parameter", "templates"], grammar: "show parameter templates;",
                       example: "show parameter templates;", operations: [.listParameterTemplates]),
        StatementEntry(.showParameterTemplate, topic: "parameters", path: ["show", "parameter", "template"], grammar: "show parameter template <name-or-id> [instances | history];",
                       example: "show parameter template high-concurrency;",
                       operations: [.listParameterTemplates, .showParameterTemplate]),
        StatementEntry(.applyParameterTemplate, topic: "parameters", path: ["apply", "parameter", "template"],
                       grammar: "apply parameter template <name-or-id> [on instance <i>];  (sets the instance's parameters that differ from it)",
                       example: "apply parameter template high-concurrency;", words: ["on", "instance"],
                       needsInstance: true,
                       operations: [.listInstances, .listParameterTemplates, .showParameterTemplate, .showParameters, .modifyParameters]),
        StatementEntry(.compareParameterTemplate, topic: "parameters", path: ["compare", "parameter", "template"],
                       grammar: "compare parameter template <name-or-id> [with instance <i> | with template <t>];  (the values that differ; reads only)",
                       example: "compare parameter template high-concurrency with instance ddm-prod;", words: ["with", "instance", "template"],
                       needsInstance: true,
                       operations: [.listInstances, .listParameterTemplates, .showParameterTemplate, .showParameters, .compareParameterTemplates]),
    ]

    static let rules = [
        ParseRule("show parameters", ShowParameters<Parsed>.parse),
        ParseRule("set parameter|parameters", SetParameters<Parsed>.parse),
        ParseRule("show parameter templates", { _ in
            PlainRead(.showParameterTemplates, "show parameter templates", calls: [PlannedCall(.listParameterTemplates, "list parameter templates")]) { e in
                [ShowTables.templates(try await e.client.allParameterTemplates())]
            }
        }),
        ParseRule("show parameter template", existential: { p in
            let t = try p.name("template name or id")
            if p.match("instances") { return TemplateListing<Parsed>(template: t, history: false) }
            if p.match("history") { return TemplateListing<Parsed>(template: t, history: true) }
            return NameStatement<Parsed>(form: showTemplate, name: t)
        }),
        ParseRule("apply", ApplyParameterTemplate<Parsed>.parse),
        ParseRule("compare parameter template", CompareParameterTemplate<Parsed>.parse),
    ]
}

struct ShowParameters<P: Phase>: Sendable, Equatable {
    var like: P.Text?
}

extension ShowParameters: StatementSyntax where P == Parsed {
    /// show parameters [like '<pattern>']
    static func parse(_ p: inout Parser) throws -> Self { Self(like: p.match("like") ? try p.stringValue("pattern") : nil) }
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        ShowParameters<Resolved>(like: try like.map { try c.scalar($0, "pattern") })
    }
}

extension ShowParameters: Step where P == Resolved {
    var id: StatementID { .showParameters }
    var text: String { "show parameters" + (like.map { " like \(SourceText.string($0))" } ?? "") }
    var calls: [PlannedCall] { [PlannedCall(.showParameters, "show parameters, every page")] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let all = try await e.client.allParameters(instance: try await e.instanceId())
        await e.sink.table(ShowTables.parameters(like.map { p in all.filter { SQLLike.matches($0.name, p) } } ?? all))
        return nil
    }
}

/// `name = value` in `set parameter`: the value keeps its source text (`05` stays `05`), as the
/// API takes parameter values as strings.
struct ParameterSetting<P: Phase>: Sendable, Equatable {
    var name: String
    var value: P.Text
    var range: SourceRange
}

extension ParameterSetting where P == Parsed {
    /// `name = value, …`, as `set parameter` and the template statements write it.
    static func list(_ p: inout Parser) throws -> [Self] {
        var settings: [Self] = []
        repeat {
            let start = p.current.range.start
            let n = try p.identifier("parameter name")
            try p.expect(punct: "=", "after '\(n)'")
            let v = try p.parameterValue()
            settings.append(Self(name: n, value: v, range: SourceRange(start, v.range.end)))
        } while p.match(punct: ",")
        return settings
    }

    /// Each value resolved; a parameter named twice is refused where it is named again.
    static func resolve(_ settings: [Self], _ c: inout Compiler) throws -> [ParameterSetting<Resolved>] {
        var seen: Set<String> = []
        return try settings.map { s in
            guard seen.insert(s.name.lowercased()).inserted else { throw Compiler.Failure(.givenTwice(s.name, noun: "parameter"), range: s.range) }
            return ParameterSetting<Resolved>(name: s.name, value: try c.scalar(s.value, "value"), range: s.range)
        }
    }
}

struct SetParameters<P: Phase>: Sendable, Equatable {
    var settings: [ParameterSetting<P>]
    var instance: P.Text?
}

extension SetParameters: StatementSyntax where P == Parsed {
    /// set parameter <name> = <value> [, <name> = <value>]… [on instance <i>]
    static func parse(_ p: inout Parser) throws -> Self {
        Self(settings: try ParameterSetting.list(&p), instance: try p.onInstance())
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        SetParameters<Resolved>(settings: try ParameterSetting.resolve(settings, &c), instance: try instance.map { try c.scalar($0, "instance name") })
    }
}

extension SetParameters: Step where P == Resolved {
    var id: StatementID { .setParameters }
    var text: String {
        "set parameter " + settings.map { "\($0.name) = \(SourceText.string($0.value))" }.joined(separator: ", ")
            + (instance.map { " on instance \(SourceText.name($0))" } ?? "")
    }
    var headline: String {
        "set parameter " + settings.map { "\($0.name) = \(SourceText.value($0.value))" }.joined(separator: ", ") + (instance.map { " on instance \($0)" } ?? "")
    }
    var calls: [PlannedCall] {
        (instance == nil ? [] : [.resolve]) + [PlannedCall(.showParameters, "current values and allowed ranges"),
                                               PlannedCall(.modifyParameters, "set the changed parameters, once")]
    }
    var needsInstance: Bool { instance == nil }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (id, name) = try await e.target(instance)
        return try await e.setParameters(settings.map { ($0.name, $0.value) }, instance: id, name: name)
    }
}

extension ParameterStatements {
    /// show parameter template <name-or-id> [instances | history]
    static let showTemplate = NameStatementForm(.showParameterTemplate, "show parameter template", noun: "template name or id", reading: .one("template"),
                                                calls: { _, _ in
        [PlannedCall(.listParameterTemplates, "find the template"), PlannedCall(.showParameterTemplate, "show parameter template")]
    }) { e, s in
        await e.sink.table(ShowTables.template(try await e.client.showParameterTemplate(try await e.template(s.name).id)))
        return nil
    }
}

struct ApplyParameterTemplate<P: Phase>: Sendable, Equatable {
    var template: P.Text
    var instance: P.Text?
}

extension ApplyParameterTemplate: StatementSyntax where P == Parsed {
    /// apply parameter template <name-or-id> [on instance <i>]
    static func parse(_ p: inout Parser) throws -> Self {
        try p.expect("parameter", "after 'apply'"); try p.expect("template", "after 'apply parameter'")
        let t = try p.name("template name or id")
        return Self(template: t, instance: try p.onInstance())
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        ApplyParameterTemplate<Resolved>(template: try c.scalar(template, "template"), instance: try instance.map { try c.scalar($0, "instance name") })
    }
}

extension ApplyParameterTemplate: Step where P == Resolved {
    var id: StatementID { .applyParameterTemplate }
    var text: String { "apply parameter template \(SourceText.name(template))" + (instance.map { " on instance \(SourceText.name($0))" } ?? "") }
    var calls: [PlannedCall] {
        (instance == nil ? [] : [.resolve]) + [PlannedCall(.listParameterTemplates, "find the template"), PlannedCall(.showParameterTemplate, "its values"),
                                               PlannedCall(.showParameters, "current values"), PlannedCall(.modifyParameters, "set the values that differ, once")]
    }
    var needsInstance: Bool { instance == nil }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (id, name) = try await e.target(instance)
        let t = try await e.client.showParameterTemplate(try await e.template(template).id)
        let settings = (t.configurationParameters ?? []).compactMap { p in p.value.map { (p.name, $0) } }
        return try await e.setParameters(settings, instance: id, name: name, from: t.name)
    }
}

struct CompareParameterTemplate<P: Phase>: Sendable, Equatable {
    var template: P.Text
    var instance: P.Text?
    /// `with template <t>`: DDM compares the two (`compare_parameter_groups`).
    var other: P.Text? = nil
}

extension CompareParameterTemplate: StatementSyntax where P == Parsed {
    /// compare parameter template <name-or-id> [with instance <i>]
    static func parse(_ p: inout Parser) throws -> Self {
        let t = try p.name("template name or id")
        guard p.match("with") else { return Self(template: t, instance: nil) }
        if p.match("template") { return Self(template: t, instance: nil, other: try p.name("template name or id")) }
        try p.expect("instance", "after 'with' (with instance <i> or with template <t>)")
        return Self(template: t, instance: try p.name("instance name"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        CompareParameterTemplate<Resolved>(template: try c.scalar(template, "template"), instance: try instance.map { try c.scalar($0, "instance name") },
                                           other: try other.map { try c.scalar($0, "template") })
    }
}

extension CompareParameterTemplate: Step where P == Resolved {
    var id: StatementID { .compareParameterTemplate }
    var text: String {
        "compare parameter template \(SourceText.name(template))" + (instance.map { " with instance \(SourceText.name($0))" } ?? "")
            + (other.map { " with template \(SourceText.name($0))" } ?? "")
    }
    var calls: [PlannedCall] {
        if other != nil { return [PlannedCall(.listParameterTemplates, "find the templates"), PlannedCall(.compareParameterTemplates, "DDM compares them")] }
        return (instance == nil ? [] : [.resolve]) + [PlannedCall(.listParameterTemplates, "find the template"), PlannedCall(.showParameterTemplate, "its values"),
                                               PlannedCall(.showParameters, "the instance's values")]
    }
    var needsInstance: Bool { instance == nil && other == nil }

    /// Against an instance compared here, as DDM's own comparison (`compare_parameter_groups`)
    /// takes two templates; against a template, DDM's.
    func run(in e: isolated Evaluator) async throws -> String? {
        if let other {
            let a = try await e.template(template), b = try await e.template(other)
            let diff = try await e.client.compareParameterTemplates(a.id, with: b.id).parameters ?? []
            if !diff.isEmpty {
                await e.sink.table(ResultTable(title: "parameter template \(a.name) against \(b.name)", columns: ["parameter", a.name, b.name],
                                               rows: diff.map { [$0.name ?? "", $0.sourceValue ?? "", $0.targetValue ?? ""] }))
            }
            await e.sink.message(diff.isEmpty ? "parameter templates \(a.name) and \(b.name) have the same values" : diff.count == 1 ? "1 value differs" : "\(diff.count) values differ")
            return nil
        }
        let (id, name) = try await e.target(instance)
        let t = try await e.client.showParameterTemplate(try await e.template(template).id)
        let current = Dictionary(try await e.client.allParameters(instance: id).map { ($0.name.lowercased(), $0.value ?? "") }) { a, _ in a }
        let values = (t.configurationParameters ?? []).compactMap { p in p.value.map { (p.name, $0) } }
        let differing = values.filter { current[$0.0.lowercased()] != $0.1 }
        if !differing.isEmpty {
            await e.sink.table(ResultTable(title: "parameter template \(t.name) against \(name)", columns: ["parameter", "template", "instance"],
                                           rows: differing.map { [$0.0, $0.1, current[$0.0.lowercased()] ?? "(none)"] }))
        }
        await e.sink.message(differing.isEmpty ? "\(name) has the values of parameter template \(t.name)"
                             : "\(differing.count) of \(values.count) values differ; 'apply parameter template \(t.name)\(instance == nil ? "" : " on instance \(name)");' sets them")
        return nil
    }
}
