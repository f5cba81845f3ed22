import DDMKit

extension StatementID {
    static let fleet = StatementID("fleet")
}

/// One block of statements run on many instances at once (docs/language.md, "Fleets").
enum FleetStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.fleet, topic: "on instances", path: ["on", "instances"],
                       grammar: "on instances like '<pattern>' | (<i>, …) [in regions (<r>, …)] [concurrency <n>] [max failures <n> | <p>%] [canary <n>] { <statements> }",
                       example: "on instances (ddm-a, ddm-b) concurrency 2 { show schemas; }",
                       words: ["like", "in", "regions", "concurrency", "max", "failures", "canary"],
                       operations: [.listInstances, .listSchemas]),
    ]
    static let rules = [ParseRule("on instances", Fleet<Parsed>.parse)]
}

/// A fleet given on the command line (`ddmsh --instances … script.ddm`): the script is its body.
public struct FleetSpec: Sendable {
    /// A comma-separated list names the instances; anything else is a pattern (`%`, `_` as in SQL).
    public var names: [String]?
    public var like: String?
    public var concurrency: Int?
    public var maxFailures: Int?
    public var maxFailuresPercent = false
    public var canary: Int?

    public init(instances: String, concurrency: Int?, maxFailures: String?, canary: Int?) throws {
        let parts = instances.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count > 1 { names = parts } else { like = instances }
        self.concurrency = concurrency
        self.canary = canary
        if let m = maxFailures {
            maxFailuresPercent = m.hasSuffix("%")
            guard let n = Int(maxFailuresPercent ? String(m.dropLast()) : m), n >= 0 else {
                throw EvaluationError("--max-failures takes a number or a percentage (3, 10%), got '\(m)'")
            }
            if maxFailuresPercent && n > 100 {
                throw EvaluationError("--max-failures takes a percentage from 0% to 100%, got '\(m)'")
            }
            self.maxFailures = n
        }
    }
}

/// How many failed targets a fleet tolerates before it starts no more.
public enum FailureTolerance: Sendable, Equatable {
    case count(Int)
    case percent(Int)

    /// The failures tolerated among `targets`.
    func limit(of targets: Int) -> Int {
        switch self {
        case .count(let n): n
        case .percent(let p): targets * p / 100
        }
    }

    var text: String {
        switch self {
        case .count(let n): "max failures \(n)"
        case .percent(let p): "max failures \(p)%"
        }
    }
}

struct Fleet<P: Phase>: Sendable, Equatable {
    /// The instances by name, or a pattern (`%` and `_` as in SQL) matched against every instance.
    var names: P.Texts?
    var like: P.Text?
    /// The regions to find the targets in, in order; nil: the session's endpoint.
    var regions: P.Texts?
    var concurrency: P.Number?
    var maxFailures: P.Number?
    var maxFailuresPercent = false
    var canary: P.Number?
    var body: P.Block
}

extension Fleet: StatementSyntax where P == Parsed {
    /// on instances like '<pattern>' | (<i>, …) [in regions (<r>, …)] [concurrency <n>]
    /// [max failures <n> | <p>%] [canary <n>] { … }
    static func parse(_ p: inout Parser) throws -> Self {
        var names: Expr?, like: Expr?
        if p.match("like") { like = try p.stringValue("pattern") } else { names = try p.list("instance name") }
        var fleet = Self(names: names, like: like, body: [])
        var seen: Set<String> = []
        while true {
            if p.match("in") {
                try p.once("in regions", &seen)
                try p.expect("regions", "after 'in'")
                fleet.regions = try p.list("region")
            } else if p.match("concurrency") {
                try p.once("concurrency", &seen)
                fleet.concurrency = try p.name("concurrency")
            } else if p.match("max") {
                try p.once("max failures", &seen)
                try p.expect("failures", "after 'max'")
                fleet.maxFailures = try p.name("number of failures")
                fleet.maxFailuresPercent = p.match(punct: "%")
            } else if p.match("canary") {
                try p.once("canary", &seen)
                fleet.canary = try p.name("number of canary targets")
            } else {
                break
            }
        }
        fleet.body = try p.block("the fleet's body")
        return fleet
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        func count(_ e: Expr?, _ what: String, min: Int) throws -> Int? {
            guard let e else { return nil }
            let n = try c.int(e, what)
            guard n >= min else { throw Compiler.Failure(.tooFew(what, least: min, got: n), range: e.range) }
            return n
        }
        let concurrency = try count(concurrency, "concurrency", min: 1)
        let maxFailures = try count(maxFailures, "max failures", min: 0)
        if maxFailuresPercent, let n = maxFailures, n > 100, let e = self.maxFailures {
            throw Compiler.Failure(.instance(.maxFailuresPercent(n)), range: e.range)
        }
        let canary = try count(canary, "canary", min: 1)
        var names: [String]?
        if let list = self.names {
            let given = try c.strings(list)
            for n in given where !Names.instance(n) && !Self.isInstanceId(n) {
                throw Compiler.Failure(.invalidInstanceName(n, idAllowed: true), range: list.range)
            }
            guard !given.isEmpty else { throw Compiler.Failure(.nameAtLeastOne("instance"), range: list.range) }
            names = given.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        }
        let like = try like.map { try c.scalar($0, "pattern") }
        let regions = try self.regions.map { list in
            let given = try c.strings(list)
            for r in given where !Self.isRegion(r) {
                throw Compiler.Failure(.instance(.invalidRegion(r)), range: list.range)
            }
            return given.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        }
        for statement in body {
            if statement.node.value is Fleet<Parsed> {
                throw Compiler.Failure(.instance(.fleetInFleet), range: statement.range)
            }
            // Each target's body runs on that target: a `use` would send every target's writes
            // to one instance while the table reported them as each target's.
            if statement.node.value is UseInstance<Parsed> {
                throw Compiler.Failure(.instance(.useInFleet), range: statement.range)
            }
        }
        // Checked now, for every named target (or once for a pattern, whose targets are known
        // only when the instances are listed): an error in any target's plan is the script's, so
        // nothing runs.
        let compiler = c
        let text = body.first.map { first in compiler.sourceText(SourceRange(first.range.start, body.last!.range.end)) } ?? ""
        var block = CompiledBlock(source: text) { target in compiler.compiledBlock(body, bindings: ["instance": .string(target)]) }
        for target in names ?? [like.map { Self.stand(in: $0) } ?? "instance"] {
            let (steps, diagnostics) = block.compile(target)
            if block.preview.isEmpty { block.preview = steps }
            // A named target's plan is the one it runs: kept, not compiled again.
            if names != nil { block.known[target] = steps }
            if !diagnostics.isEmpty {
                c.report(diagnostics.map { d in
                    var d = d
                    if names != nil { d.message = Message.forInstance(d.message, target) }
                    return d
                })
                break
            }
        }
        return Fleet<Resolved>(names: names, like: like, regions: regions, concurrency: concurrency, maxFailures: maxFailures,
                               maxFailuresPercent: maxFailuresPercent, canary: canary, body: block)
    }

    /// An instance id as DDM gives them (32 hex digits and `in09`): letters and digits only.
    static func isInstanceId(_ s: String) -> Bool {
        (8...64).contains(s.utf8.count) && s.utf8.allSatisfy { ASCII.isLetter($0) || ASCII.isDigit($0) }
    }

    static func isRegion(_ r: String) -> Bool {
        !r.isEmpty && r.utf8.count <= 64 && r.utf8.allSatisfy { ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    /// A name that stands in for a pattern's targets while the body is checked: the pattern with
    /// its wildcards filled, so it is a valid instance name when the targets' names are.
    static func stand(in pattern: String) -> String {
        let filled = String(pattern.map { $0 == "%" || $0 == "_" ? "x" : $0 })
        return Names.instance(filled) ? filled : "instance"
    }
}

extension Fleet: Step where P == Resolved {
    var id: StatementID { .fleet }
    var needsInstance: Bool { false }
    var schemaEffect: SchemaEffect { .otherInstance }

    var text: String { "on instances \(targets)\(options) { \(body.source) }" }

    /// What makes two fleets the same for `--retry-failed`: their targets and body, whatever their
    /// concurrency or tolerance. A body with variables is the same only with the same values
    /// (`-v u=usr7` and `-v u=usr99` are two fleets): its statements as compiled are part of it.
    var identity: String {
        let written = "on instances \(targets)\(regions.map { " in regions (\($0.joined(separator: ", ")))" } ?? "") { \(body.source) }"
        guard body.source.contains("$") else { return written }
        return written + " as " + body.preview.map(\.step.text).joined(separator: "; ")
    }

    private var targets: String {
        like.map { "like \(SourceText.string($0))" } ?? "(\((names ?? []).map(SourceText.name).joined(separator: ", ")))"
    }

    var options: String {
        var o = regions.map { " in regions (\($0.map(SourceText.name).joined(separator: ", ")))" } ?? ""
        if let concurrency { o += " concurrency \(concurrency)" }
        if let tolerance { o += " " + tolerance.text }
        if let canary { o += " canary \(canary)" }
        return o
    }

    var tolerance: FailureTolerance? { maxFailures.map { maxFailuresPercent ? .percent($0) : .count($0) } }

    var headline: String {
        let targets = like.map { "instances like '\($0)'" } ?? "instances \((names ?? []).joined(separator: ", "))"
        let steps = body.preview
        return "on \(targets)\(options), each:\n" + steps.map { "  " + $0.step.headline.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: "\n")
    }

    var calls: [PlannedCall] {
        let steps = body.preview
        var seen: [PlannedCall] = like == nil ? [] : [PlannedCall(.listInstances, "list instances, to match the pattern")]
        for call in steps.flatMap(\.step.calls) where !seen.contains(where: { $0.operation == call.operation && $0.note == call.note }) {
            seen.append(call)
        }
        return seen
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        try await FleetRun(fleet: self).run(in: e)
    }
}

/// A fleet's body as the compiler checked it: its source text, and how it compiles for one
/// target (`$instance` bound to the target's name).
public struct CompiledBlock: Sendable, Equatable {
    public var source: String
    let compile: @Sendable (String) -> (steps: [PlanStep], diagnostics: [Diagnostic])
    /// The plan of the first target checked (or of the stand-in for a pattern): what plans print.
    var preview: [PlanStep] = []
    /// The plans of the named targets, as checked.
    var known: [String: [PlanStep]] = [:]

    /// A target's plan: the one checked at compile time, or compiled now (a pattern's targets).
    func steps(for target: String) -> (steps: [PlanStep], diagnostics: [Diagnostic]) {
        known[target].map { ($0, []) } ?? compile(target)
    }

    public static func == (a: Self, b: Self) -> Bool { a.source == b.source }
}
