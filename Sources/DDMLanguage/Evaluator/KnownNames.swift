/// The names of one kind of object (accounts, schemas) on one instance as the current run knows
/// them: read once, then kept up to date from the run's own creates and drops. Calls are the
/// budget: a loop of `create user … if not exists` reads the list once, not once per account.
/// Forgotten at the start of every run and whenever a write's outcome is not known.
struct KnownNames: Sendable {
    enum Kind: Sendable { case accounts, schemas }
    var instance: String
    var names: Set<String>
}

extension Evaluator {
    /// Whether `name` exists, from the run's view of `kind`, reading it once per instance.
    func exists(_ name: String, in kind: KnownNames.Kind, instance: String, read: () async throws -> [String]) async throws -> Bool {
        if let view = known[kind], view.instance == instance { return view.names.contains(name) }
        let names = Set(try await read())
        known[kind] = KnownNames(instance: instance, names: names)
        return names.contains(name)
    }

    /// Keeps the run's view up to date after one of its own writes; `exists` nil when the write's
    /// outcome is not known, which forgets the view.
    func note(_ name: String, exists: Bool?, in kind: KnownNames.Kind, instance: String) {
        guard known[kind]?.instance == instance else { return }
        switch exists {
        case true?: known[kind]?.names.insert(name)
        case false?: known[kind]?.names.remove(name)
        case nil: known[kind] = nil
        }
    }
}
