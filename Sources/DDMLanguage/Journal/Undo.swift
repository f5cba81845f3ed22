import DDMKit

/// The inverse of a journaled run, as a ddmsh script: applying it is an ordinary run (so it is
/// journaled too, and can itself be undone). Pure: from the journal to text.
///
/// Per object, what matters is its state before the run's first write to it and whether it
/// exists after the run's last: an account the run created is dropped, one it modified or
/// dropped is put back with `grant exactly` (recreated first if dropped: its password cannot be
/// read back, so a new one is asked for), a schema it created is dropped, and one it dropped is
/// named as lost (its data cannot come back).
public enum Undo {
    public struct Result: Sendable {
        public init(script: String, notes: [String], statements: Int) { self.script = script; self.notes = notes; self.statements = statements }
        public var script: String
        /// What cannot be restored, and other things the user must know, one line each.
        public var notes: [String]
        /// Statements in the script (0: nothing to undo).
        public var statements: Int
    }

    /// - Parameter passwordFromEnvironment: names of `DDM_PASSWORD_<ACCOUNT>` variables that are
    ///   set; a recreated account reads its password from one of those, or asks for it.
    public static func script(_ run: Journal.Run, passwordFromEnvironment: Set<String> = []) -> Result {
        var order: [String] = []
        var original: [String: Journal.AccountState?] = [:]   // nil inside: did not exist
        var existsAfter: [String: Bool] = [:]
        var schemaOrder: [String] = []
        var schemaExisted: [String: Bool] = [:]
        var schemaExistsAfter: [String: Bool] = [:]
        var parameterOrder: [String] = []
        var parametersBefore: [String: [(String, String)]] = [:]   // instance → first value of each name, in order
        var changes: [(description: String, inverse: String?)] = []
        var refused = 0
        // A write the service refused changed nothing: taking it back would undo what was there
        // before (a `create user` refused because the account existed would drop that account).
        // One whose outcome is unknown (no `done` line) is taken back as if it was made.
        for (entry, done) in run.writes {
            if done == false { refused += 1; continue }
            switch entry {
            case .modifyAccount(let name, let before):
                if original[name] == nil { original[name] = .some(before); order.append(name) }
                existsAfter[name] = true
            case .createAccount(let name):
                if original[name] == nil { original[name] = .some(nil); order.append(name) }
                existsAfter[name] = true
            case .dropAccount(let name, let before):
                if original[name] == nil { original[name] = .some(before); order.append(name) }
                existsAfter[name] = false
            case .createSchema(let name):
                if schemaExisted[name] == nil { schemaExisted[name] = false; schemaOrder.append(name) }
                schemaExistsAfter[name] = true
            case .dropSchema(let name):
                if schemaExisted[name] == nil { schemaExisted[name] = true; schemaOrder.append(name) }
                schemaExistsAfter[name] = false
            case .setParameters(let instance, let before):
                if parametersBefore[instance] == nil { parameterOrder.append(instance) }
                var known = parametersBefore[instance] ?? []
                for (name, value) in before.sorted(by: { $0.key < $1.key }) where !known.contains(where: { $0.0 == name }) {
                    known.append((name, value))
                }
                parametersBefore[instance] = known
            case .instanceChange(_, let description, let inverse, _, _):
                changes.append((description, inverse))
            }
        }
        var lines = ["-- undo of run \(run.header.run) (\(run.header.time)) on instance \(run.header.instanceName ?? run.header.instance ?? "?")"]
        var notes: [String] = []
        var statements = 0
        // Every line is a statement value printed by its own printer, as a script would write it.
        func add(_ statement: any Step) { lines.append(statement.text + ";"); statements += 1 }
        if let instance = run.header.instance { lines.append(UseInstance<Resolved>(instance: instance).text + ";") }
        // Accounts first (they may reach schemas that are dropped below), newest first.
        for name in order.reversed() {
            let before = original[name] ?? nil
            let exists = existsAfter[name] ?? true
            switch (before, exists) {
            case (nil, true):
                add(DropUser<Resolved>(name: name, ifExists: true))
            case (nil, false):
                continue
            case (let state?, let exists):
                if !exists {
                    let variable = Exporter.passwordVariable(account: name)
                    let fromEnvironment = passwordFromEnvironment.contains(variable)
                    add(CreateUser<Resolved>(name: name, ifNotExists: true, password: fromEnvironment ? .env(variable, .generated) : .prompt(.generated)))
                    notes.append("\(name) was dropped: it is recreated, but its password cannot be restored (a new one from \(fromEnvironment ? variable : "a prompt"))")
                }
                add(grantExactly(name, state))
            }
        }
        for name in schemaOrder.reversed() {
            switch (schemaExisted[name] ?? false, schemaExistsAfter[name] ?? false) {
            case (false, true):
                add(DropSchema<Resolved>(name: name, ifExists: true, deleteData: false))
                notes.append("schema \(name), which the run created, is dropped with any data written to it since")
            case (true, false):
                notes.append("schema \(name) was dropped by the run: its data cannot be restored, and undo does not recreate it")
            default:
                continue
            }
        }
        // Instance changes newest first, then parameters back to their first values.
        for change in changes.reversed() {
            if let inverse = change.inverse { lines.append(inverse); statements += 1 }
            else { notes.append("not taken back: \(change.description)") }
        }
        for instance in parameterOrder {
            let settings = (parametersBefore[instance] ?? []).map { ParameterSetting<Resolved>(name: $0.0, value: $0.1, range: .generated) }
            add(SetParameters<Resolved>(settings: settings, instance: instance))
        }
        if refused > 0 { notes.append("\(refused) write\(refused == 1 ? "" : "s") of the run failed and changed nothing; nothing to take back for \(refused == 1 ? "it" : "them")") }
        for note in notes { lines.append("-- " + note) }
        return Result(script: lines.joined(separator: "\n") + "\n", notes: notes, statements: statements)
    }

    /// The account's whole state back, its comment included (an empty one clears a comment the
    /// run set): the privileges ddmsh can grant, in DDM's order.
    static func grantExactly(_ name: String, _ s: Journal.AccountState) -> GrantBatch {
        GrantBatch([.exactly(PrivilegeSet(words: s.privileges).known.canonical, on: s.schemas, to: name, comment: s.comment)], range: .generated)
    }
}
