import DDMKit

/// What `set parameter` and `apply parameter template` share: finding the target and the
/// template, and setting only the values that change, checked first.
extension Evaluator {
    /// `on instance <i>`, or the current instance.
    func target(_ ref: String?) async throws -> (id: String, name: String) {
        if let ref { let i = try await resolve(ref); return (i.id, i.name) }
        let id = try await instanceId()
        return (id, currentInstanceName ?? id)
    }

    func template(_ ref: String) async throws -> ParameterTemplate {
        let all = try await client.allParameterTemplates()
        if let t = all.first(where: { $0.id == ref || $0.name == ref }) { return t }
        if options.dryRun && dryRunCreated.contains("parameter template \(ref)") { throw CreatedInDryRun(what: "parameter template \(ref)") }
        var message = "parameter template '\(ref)' does not exist; see 'show parameter templates;'"
        if let s = Suggestion.closest(to: ref, in: all.map(\.name)) { message = "parameter template '\(ref)' does not exist; did you mean '\(s)'?" }
        throw EvaluationError(message, kind: .notFound)
    }

    /// Checks every value against the instance's own parameter list (names, read-only, allowed
    /// range as the service states it), then sets only the ones that change, in one call; the
    /// journal keeps the values before, which undo sets back.
    func setParameters(_ settings: [(name: String, value: String)], instance: String, name: String, from template: String? = nil) async throws -> String? {
        let current = try await client.allParameters(instance: instance)
        var changes: [(Parameter, String)] = []
        for s in settings {
            guard let p = current.first(where: { $0.name.lowercased() == s.name.lowercased() }) else {
                if template != nil { continue }  // a template may name what this instance does not have
                var message = "unknown parameter '\(s.name)'"
                if let close = Suggestion.closest(to: s.name, in: current.map(\.name)) { message += "; did you mean '\(close)'?" }
                throw EvaluationError(message, kind: .notFound)
            }
            if p.isReadOnly { throw EvaluationError("parameter \(p.name) is read-only") }
            if let problem = ParameterRange(p.valueRange).problem(with: s.value) {
                throw EvaluationError("invalid value '\(s.value)' for \(p.name): \(problem)")
            }
            if p.value != s.value { changes.append((p, s.value)) }
        }
        guard !changes.isEmpty else {
            await sink.message(template.map { "\(name) already has the values of parameter template \($0); nothing to change" }
                               ?? "the parameters already have these values; nothing to change")
            return nil
        }
        let text = changes.map { "\($0.0.name) = \(SourceText.value($0.1)) (was \($0.0.value.map(SourceText.value) ?? "-"))" }.joined(separator: ", ")
        let before = Dictionary(uniqueKeysWithValues: changes.map { ($0.0.name, $0.0.value ?? "") })
        let values = Dictionary(uniqueKeysWithValues: changes.map { ($0.0.name, $0.1) })
        let client = self.client
        let write = Write(summary: "set \(text) on \(name)", journal: .setParameters(instance: instance, before: before)) {
            try await client.modifyParameters(instance: instance, values: values)
        }
        guard let r = try await perform(write) else { return nil }
        await sink.message("set \(text) on \(name)" + (template.map { " (parameter template \($0))" } ?? ""))
        let restart = r.needRestart ?? changes.contains { $0.0.requiresRestart }
        if restart {
            let names = changes.filter { $0.0.requiresRestart }.map(\.0.name)
            await sink.message("restart needed for \(names.isEmpty ? "the new values" : names.joined(separator: ", ")) to take effect: restart instance \(name);")
        }
        return "set \(changes.count) parameter\(changes.count == 1 ? "" : "s") on \(name)"
    }
}

/// SQL `LIKE` on names: `%` any run, `_` one character, case-insensitive.
enum SQLLike {
    static func matches(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text.lowercased()), p = Array(pattern.lowercased())
        // Iterative wildcard match with backtracking to the last '%'.
        var ti = 0, pi = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "_" || p[pi] == t[ti] { ti += 1; pi += 1 }
            else if pi < p.count, p[pi] == "%" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "%" { pi += 1 }
        return pi == p.count
    }
}
