import DDMKit
import Foundation

/// Checks names and privileges and turns statements into a `Plan`. The whole
/// script is compiled before anything runs: one error means nothing runs.
public struct Compiler: Sendable {
    public struct Options: Sendable {
        /// An instance is already selected (`--instance`, a profile, or an earlier `use`).
        public var instanceSelected = false
        public var variables: [String: Value] = [:]
        /// Reads `source` and `lines()` files; tests replace it.
        public var readFile: @Sendable (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) }
        /// False for `--check`: statements are checked and forgotten, so memory stays flat.
        public var keepPlan = true
        /// Where the run will find its secrets: `env` and `file` ones are checked while compiling,
        /// so a run never stops halfway for a missing one. Nil checks none.
        public var secrets: SecretAvailability?
        /// `--check`: a secret needed only when an object turns out to be missing, and not
        /// available, is a warning (a run finds out by reading; the check reads nothing).
        public var warnConditionalSecrets = false
        /// Set when extended privileges cannot be sent (`--api-version v3`): said at compile time
        /// so that nothing runs, rather than halfway through a script.
        public var extendedRefused = false
        /// The whole script is a fleet's body (`ddmsh --instances …`).
        public var fleet: FleetSpec?
        public init() {}
    }

    /// What the run will read its `env` and `file` secrets from. (`prompt` is not checked: a
    /// statement that turns out to need no password, `create user … if not exists`, asks nothing.)
    public struct SecretAvailability: Sendable {
        public var environment: [String: String]
        public init(environment: [String: String]) { self.environment = environment }
    }

    public struct Output: Sendable {
        public var plan: Plan
        public var diagnostics: [Diagnostic]
        /// Every file read, by name, to print diagnostics against.
        public var sources: [String: SourceFile]
        /// The instance selection state after the script (for the REPL's next input).
        public var instanceSelected: Bool
        public var variables: [String: Value]
        public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// A compile error: a case of the catalogue (no string, so every wording is the catalogue's).
    struct Failure: Error {
        var message: Message
        var range: SourceRange
        init(_ message: Message, range: SourceRange) { self.message = message; self.range = range }
    }

    private(set) var options: Options
    var variables: [String: Value]
    var instanceSelected: Bool
    private var diagnostics: [Diagnostic] = []
    private var sources: [String: SourceFile] = [:]
    private var fileStack: [String] = []
    /// Accounts the script declares (`create user`, `grant exactly`), in order: what
    /// `declare users complete` compares the live accounts with.
    private(set) var declaredUsers: [String] = []
    /// The same names, for membership: a script of 250,000 `create user` made the array scan quadratic.
    private var declaredSet: Set<String> = []
    private(set) var file = ""

    public init(options: Options = Options()) {
        self.options = options
        self.variables = options.variables
        self.instanceSelected = options.instanceSelected
    }

    public static func compile(_ source: SourceFile, options: Options = Options()) -> Output {
        var c = Compiler(options: options)
        let steps = options.fleet.map { c.compileFleet(source, $0) } ?? c.compileFile(source)
        return Output(plan: Plan(steps: Self.foldCreates(Self.mergeBatches(steps))), diagnostics: c.diagnostics, sources: c.sources,
                      instanceSelected: c.instanceSelected, variables: c.variables)
    }

    /// Consecutive grant/revoke steps become one batch. Linear: a script of
    /// 100,000 grants is one batch, built without copying it once per grant.
    static func mergeBatches(_ steps: [PlanStep]) -> [PlanStep] {
        var out: [PlanStep] = []
        var run: [Change] = []
        var runStep: PlanStep?
        func flush() {
            guard let first = runStep else { return }
            out.append(PlanStep(GrantBatch(run, range: first.range), range: first.range, file: first.file))
            run = []
            runStep = nil
        }
        for step in steps {
            if let batch = step.step.grants {
                if runStep == nil { runStep = step }
                run += batch.changes
            } else {
                flush()
                out.append(step)
            }
        }
        flush()
        return out
    }

    @_optimize(speed)
    mutating func compileFile(_ source: SourceFile) -> [PlanStep] {
        let saved = file
        file = source.name
        sources[source.name] = source
        fileStack.append(source.name)
        defer { fileStack.removeLast(); file = saved }
        var parser = Parser(source)
        // Parse errors are merged in source order with the compile errors of the statements around them.
        var pending: [Diagnostic] = []
        var steps: [PlanStep] = []
        // `--check` keeps no plan: each statement's steps land here and are dropped, in place.
        var scratch: [PlanStep] = []
        while let statement = parser.nextStatement() {
            let fresh = parser.takeDiagnostics()
            if !fresh.isEmpty { pending += fresh }
            if pending.isEmpty {
                // The usual case: nothing to place before this statement.
            } else if let k = pending.firstIndex(where: { $0.range.start >= statement.range.start }) {
                diagnostics += pending[..<k]
                pending.removeFirst(k)
            } else {
                diagnostics += pending
                pending = []
            }
            let first = options.keepPlan ? steps.count : 0
            if options.keepPlan { compile(statement, into: &steps) } else { compile(statement, into: &scratch) }
            let secrets = parser.takeSecretSources()
            if let available = options.secrets, !secrets.isEmpty {
                check(secrets, available, steps: options.keepPlan ? steps[first...] : scratch[...])
            }
            if !options.keepPlan { scratch.removeAll(keepingCapacity: true) }
        }
        diagnostics += pending
        diagnostics += parser.takeDiagnostics()
        return steps
    }

    /// What makes a secret needed, from the steps its statement compiled to: the steps of the
    /// statement (inside a loop, of the body statement) that holds it. Nil when one of them needs it
    /// whenever it runs; else the objects whose absence alone makes them write.
    private func condition(of secret: SecretSource, in steps: ArraySlice<PlanStep>) -> String? {
        let holders = steps.filter { $0.file == file && $0.range.start <= secret.range.start && secret.range.end <= $0.range.end }
        var objects: [String] = []
        for step in holders {
            guard let c = step.step.secretCondition else { return nil }
            if !objects.contains(c.described) { objects.append(c.described) }
        }
        guard !objects.isEmpty else { return nil }
        return objects.count <= 3 ? ListFormat.or(objects) : objects.prefix(2).joined(separator: ", ") + " or \(objects.count - 2) more"
    }

    /// A secret always needed must be there before anything runs. One needed only when an object
    /// is missing (`create user … if not exists`) is left to the run, which reads whether it is
    /// (`Evaluator+SecretPreflight`); `--check`, which reads nothing, warns about it.
    private mutating func check(_ secrets: [SecretSource], _ available: SecretAvailability, steps: ArraySlice<PlanStep>) {
        for secret in secrets {
            let condition = condition(of: secret, in: steps)
            func missing(_ message: Message, _ range: SourceRange) {
                guard let condition else { return error(message, range) }
                if options.warnConditionalSecrets {
                    diagnostics.append(Diagnostic(.warning, .neededOnlyIf(message, condition: condition), at: range, file: file))
                }
            }
            switch secret {
            case .env(let name, let range):
                // One the statement reads without naming it (reshard, import of metadata) says why.
                let implicit = !sourceText(range).hasPrefix("env")
                guard let value = available.environment[name] else { missing(.secretVariableNotSet(name, implicit: implicit), range); continue }
                if value.isEmpty { missing(.secretVariableEmpty(name, implicit: implicit), range) }
            case .file(let path, let range):
                var directory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: path, isDirectory: &directory) {
                    missing(.secretFileMissing(path: path), range)
                } else if directory.boolValue {
                    missing(.secretFileIsDirectory(path: path), range)
                } else if !FileManager.default.isReadableFile(atPath: path) {
                    missing(.secretFileUnreadable(path: path), range)
                }
            case .prompt, .literal:
                continue
            }
        }
    }

    private mutating func error(_ message: Message, _ range: SourceRange) {
        diagnostics.append(Diagnostic(.error, message, at: range, file: file))
    }

    /// Appends the statement's steps to `out` (nothing when it has an error, which is reported).
    mutating func compile(_ s: Statement, into out: inout [PlanStep]) {
        let count = out.count
        do {
            try steps(s, into: &out)
        } catch let f as Failure {
            out.removeSubrange(count...)
            error(f.message, f.range)
        } catch {
            out.removeSubrange(count...)
            self.error(.failed("\(error)"), s.range)
        }
    }

    /// The whole file as the body of a fleet (`ddmsh --instances … script.ddm`): positions stay the file's own.
    private mutating func compileFleet(_ source: SourceFile, _ spec: FleetSpec) -> [PlanStep] {
        sources[source.name] = source
        file = source.name
        let parsed = Parser.parse(source)
        diagnostics += parsed.diagnostics
        guard parsed.diagnostics.isEmpty, !parsed.statements.isEmpty else { return [] }
        let whole = SourceRange(0, 0)
        let fleet = Fleet<Parsed>(names: spec.names.map { .list($0.map { .name($0, whole) }, whole) }, like: spec.like.map { .string($0, whole) },
                                  concurrency: spec.concurrency.map { .number($0, whole) }, maxFailures: spec.maxFailures.map { .number($0, whole) },
                                  maxFailuresPercent: spec.maxFailuresPercent, canary: spec.canary.map { .number($0, whole) }, body: parsed.statements)
        var steps: [PlanStep] = []
        compile(Statement(SyntaxNode(fleet), range: whole), into: &steps)
        return steps
    }

    /// A block compiled apart, with `bindings` set and an instance taken as selected (a fleet's
    /// body, once per target): its steps, batches merged, and its diagnostics. This compiler is
    /// left as it was.
    func compiledBlock(_ body: [Statement], bindings: [String: Value]) -> (steps: [PlanStep], diagnostics: [Diagnostic]) {
        var c = self
        c.diagnostics = []
        c.instanceSelected = true
        c.variables.merge(bindings) { $1 }
        var steps: [PlanStep] = []
        for statement in body { c.compile(statement, into: &steps) }
        return (Self.foldCreates(Self.mergeBatches(steps)), c.diagnostics)
    }

    /// The text of `range` in the file being compiled, as written.
    func sourceText(_ range: SourceRange) -> String { sources[file]?.text(range) ?? "" }

    mutating func report(_ more: [Diagnostic]) { diagnostics += more }

    mutating func declare(_ names: [String]) {
        for n in names where declaredSet.insert(n).inserted { declaredUsers.append(n) }
    }

    /// Appends a statement's compiled step, once it is known that it can run here.
    @_optimize(speed)
    mutating func append(_ step: any Step, _ range: SourceRange, to out: inout [PlanStep]) throws {
        if !instanceSelected && step.needsInstance {
            throw Failure(.noInstanceSelected, range: range)
        }
        out.append(PlanStep(step, range: range, file: file))
    }

    /// Appends the statement's steps, or throws its error.
    @_optimize(speed)
    mutating func steps(_ s: Statement, into out: inout [PlanStep]) throws {
        try s.node.value.compile(&self, s.range, into: &out)
    }

    /// The steps of another script file (`source`), relative to the file being compiled.
    mutating func sourceFile(_ e: Expr) throws -> [PlanStep] {
        let path = resolvePath(try scalar(e, "file name"))
        guard fileStack.count < 16, !fileStack.contains(path) else {
            throw Failure(.sourceCycle(path: path), range: e.range)
        }
        let text: String
        do { text = try options.readFile(path) } catch {
            throw Failure(.cannotRead(path: path, reason: Self.reason(error)), range: e.range)
        }
        return compileFile(SourceFile(name: path, text: text))
    }

    func resolvePath(_ path: String) -> String {
        guard !path.hasPrefix("/"), file.contains("/") else { return path }
        return (file as NSString).deletingLastPathComponent + "/" + path
    }

    static func reason(_ error: Error) -> String {
        if let e = error as? EvaluationError { return e.description }
        return FileErrors.reason(error)
    }

    // MARK: values

    mutating func value(_ e: Expr) throws -> Value {
        switch e {
        case .name(let n, _), .string(let n, _): return .string(n)
        case .number(let n, _): return .number(n)
        case .variable(let v, let r):
            guard let bound = variables[v] else {
                throw Failure(.undefinedVariable(v, suggestion: Suggestion.closest(to: v, in: Array(variables.keys))), range: r)
            }
            return bound
        case .list(let items, _): return .list(try items.map { try value($0) })
        case .lines(let fileExpr, _):
            let path = resolvePath(try scalar(fileExpr, "file name"))
            let text: String
            do { text = try options.readFile(path) } catch {
                throw Failure(.cannotRead(path: path, reason: Self.reason(error)), range: fileExpr.range)
            }
            let lines = text.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("--") }
            return .list(lines.map(Value.string))
        }
    }

    mutating func scalar(_ e: Expr, _ what: String) throws -> String {
        let v = try value(e)
        switch v {
        case .string(let s): return s
        case .number(let n): return String(n)
        case .list(let items):
            if items.count == 1, case .string(let s) = items[0] { return s }
            throw Failure(.expectedOne(what, found: items.count), range: e.range)
        }
    }

    @_optimize(speed)
    mutating func strings(_ e: Expr) throws -> [String] {
        var out: [String] = []
        if case .list(let items, _) = e { out.reserveCapacity(items.count) }
        try appendStrings(e, to: &out)
        return out
    }

    /// `value(e).flattened` without building the intermediate values for literal names and lists.
    @_optimize(speed)
    private mutating func appendStrings(_ e: Expr, to out: inout [String]) throws {
        switch e {
        case .name(let n, _), .string(let n, _): out.append(n)
        case .number(let n, _): out.append(String(n))
        case .list(let items, _): for item in items { try appendStrings(item, to: &out) }
        case .variable, .lines: out += try value(e).flattened
        }
    }

    mutating func int(_ e: Expr, _ what: String) throws -> Int {
        let v = try value(e)
        if case .number(let n) = v { return n }
        if case .string(let s) = v, let n = Int(s) { return n }
        if case .string(let s) = v, !s.isEmpty, s.utf8.allSatisfy(ASCII.isDigit) {
            throw Failure(.numberTooLarge(s, for: what), range: e.range)
        }
        throw Failure(.expectedNumber(for: what), range: e.range)
    }

    // MARK: names

    mutating func accountName(_ e: Expr) throws -> String {
        let n = try scalar(e, "account name")
        guard Names.account(n) else {
            throw Failure(.invalidAccountName(n), range: e.range)
        }
        return n
    }

    /// A list of account names (a grant's, `show grants for`'s), each checked.
    @_optimize(speed)
    mutating func accountNames(_ e: Expr) throws -> [String] {
        let names = try strings(e)
        for n in names where !Names.account(n) {
            throw Failure(.invalidAccountName(n), range: e.range)
        }
        return names
    }

    /// `since '<when>'` (`show tasks`, `show slow queries`): a moment or a span back from now.
    /// `invalid` is the error for text that is neither, given the text.
    mutating func since(_ e: Expr, invalid: (String) -> Message = Message.invalidSince) throws -> TaskWindow.Since {
        let text = try scalar(e, "time")
        guard let when = TaskWindow.Since(text) else { throw Failure(invalid(text), range: e.range) }
        return when
    }

    mutating func schemaName(_ e: Expr) throws -> String {
        // Schema names fold to lower case (DDM allows no upper case), as grants do.
        let n = ASCII.lowercased(try scalar(e, "schema name"))
        if let problem = Names.schemaProblem(n) { throw Failure(.invalidSchemaName(n, problem: problem), range: e.range) }
        return n
    }

    // MARK: statements

    /// An account's comment: DDM takes so many characters at most.
    mutating func comment(_ e: Expr) throws -> String {
        let text = try scalar(e, "comment")
        guard text.count <= ModifyAccountRules.maxDescriptionLength else { throw Failure(.account(.commentTooLong(count: text.count)), range: e.range) }
        return text
    }

    /// Days a password stays valid: 0 to 65535, 0 for never (the SDK's `password_lifetime`).
    mutating func lifetime(_ e: Expr) throws -> Int {
        let days = try int(e, "lifetime")
        guard (0...65535).contains(days) else { throw Failure(.account(.lifetimeOutOfRange(days)), range: e.range) }
        return days
    }

    @_optimize(speed)
    mutating func schemaList(_ e: Expr) throws -> [String] {
        var names = try strings(e)
        for i in names.indices {
            let n = ASCII.lowercased(names[i])
            if let problem = Names.schemaProblem(n) { throw Failure(.invalidSchemaName(n, problem: problem), range: e.range) }
            names[i] = n
        }
        return names
    }

    struct Privileges {
        var base: [BasePermission] = []
        var extended: [ExtendedPermission] = []
        var all = false
        var none = false
        /// Where `none` was written, to blame it when it does not stand alone.
        var noneAt: SourceRange?

        /// One word of the list. A method, not a closure over locals: it runs for every privilege
        /// of every grant, and captured locals are reference-counted boxes.
        @_optimize(speed)
        mutating func add(_ word: String, _ range: SourceRange) throws {
            if ASCII.matches(word, "none") {
                // `grant exactly none`: an account that holds no privilege (as `revoke ALL` leaves it).
                noneAt = range
            } else if ASCII.matches(word, "all") {
                all = true
                base = BasePermission.allCases
            } else if let b = Self.base(word) {
                if !base.contains(b) { base.append(b) }
            } else if let x = ExtendedPermission.allCases.first(where: { ASCII.lowercased($0.rawValue) == ASCII.lowercased(word) }) {
                if !extended.contains(x) { extended.append(x) }
            } else {
                let names = BasePermission.allCases.map(\.rawValue) + ExtendedPermission.allCases.map(\.rawValue) + ["ALL"]
                throw Failure(.account(.unknownPrivilege(word, suggestion: Suggestion.closest(to: word, in: names))), range: range)
            }
        }

        /// The documented privilege spelled `word` in any case: its bytes folded and packed into one
        /// integer, compared with the eight names packed alike (no string is built or compared).
        @_optimize(speed)
        private static func base(_ word: String) -> BasePermission? {
            guard let key = ASCII.packedUpper(word), let i = baseKeys.firstIndex(of: key) else { return nil }
            return BasePermission.allCases[i]
        }
        private static let baseKeys: [UInt64] = BasePermission.allCases.map { ASCII.packedUpper($0.rawValue) ?? 0 }
    }

    /// `all`, the eight basic privileges (any case) and the extended ones.
    @_optimize(speed)
    mutating func privileges(_ e: Expr) throws -> Privileges {
        var p = Privileges()
        p.base.reserveCapacity(8)
        // Each word of a list is blamed on its own item.
        if case .list(let list, _) = e {
            for item in list {
                if case .name(let word, let range) = item { try p.add(word, range); continue }
                for word in try strings(item) { try p.add(word, item.range) }
            }
        } else {
            for word in try strings(e) { try p.add(word, e.range) }
        }
        if options.extendedRefused, !p.extended.isEmpty {
            throw Failure(.account(.extendedNeedsV1(p.extended.map(\.rawValue))), range: e.range)
        }
        if let none = p.noneAt, p.all || !p.base.isEmpty || !p.extended.isEmpty {
            throw Failure(.account(.noneStandsAlone), range: none)
        }
        p.none = p.noneAt != nil
        p.base.sort()
        p.extended.sort()
        return p
    }
}

/// Name rules the compiler checks before anything is sent (ddm-api.md §10.2).
enum Names {
    @_optimize(speed)
    static func account(_ s: String) -> Bool {
        let u = s.utf8
        return (1...32).contains(u.count) && u.first.map(ASCII.isLetter) == true
            && (u.withContiguousStorageIfAvailable { $0.allSatisfy(ASCII.isWordByte) } ?? u.allSatisfy(ASCII.isWordByte))
    }

    static func instance(_ s: String) -> Bool {
        let u = s.utf8
        return (4...64).contains(u.count) && u.first.map(ASCII.isLetter) == true
            && u.allSatisfy { ASCII.isWordByte($0) || $0 == UInt8(ascii: "-") }
    }

    /// An IPv4 address (`203.0.113.10`), or with `block` a CIDR block too (`10.0.0.0/24`).
    static func ipv4(_ s: String, block: Bool = false) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || block && parts.count == 2 else { return false }
        if parts.count == 2 { guard let n = Int(parts[1]), (0...32).contains(n) else { return false } }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }
    }

    static let reserved = ["information_schema", "mysql", "performance_schema", "sys"]
    /// Bit n set when a reserved name is n bytes long: a test without hashing, on every schema of every grant.
    private static let reservedLengths: UInt64 = reserved.reduce(0) { $0 | 1 << UInt64($1.utf8.count) }

    /// RDS ids are 32 hex digits and a suffix such as "in01": one so written needs no lookup by name.
    static func looksLikeRDSId(_ s: String) -> Bool {
        s.count == 36 && s.prefix(32).allSatisfy(\.isHexDigit) && s.dropFirst(32).hasPrefix("in")
    }

    /// `lower` is already folded to lower case, as schema names always are.
    @_optimize(speed)
    static func schemaProblem(_ lower: String) -> String? {
        let u = lower.utf8
        // Lengths first: comparing unequal strings is the slow path, on every schema of every grant.
        if u.count < 64, reservedLengths & (1 << UInt64(u.count)) != 0, reserved.contains(lower) { return "it is reserved" }
        // The common case in one pass over the bytes in place: a letter, then letters, digits and '_'.
        let plain = u.withContiguousStorageIfAvailable { b in
            (2...48).contains(b.count) && ASCII.isLetter(b[0]) && b.allSatisfy(ASCII.isWordByte)
        }
        if plain == true { return nil }
        // Anything outside the byte rules is non-ASCII or malformed; count characters for the message.
        if !(2...48).contains(u.allSatisfy { $0 < 0x80 } ? u.count : lower.count) { return "2 to 48 characters" }
        guard u.first.map(ASCII.isLetter) == true, u.allSatisfy(ASCII.isWordByte) else {
            return "it must start with a letter and hold only letters, digits and '_'"
        }
        return nil
    }
}
