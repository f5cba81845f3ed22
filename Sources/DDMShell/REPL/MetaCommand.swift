import DDMLanguage
import Foundation

/// Backslash commands of the REPL, each a handler that says what the loop does next.
enum MetaOutcome: Equatable {
    case `continue`
    case quit
    /// Run this text as if it had been typed (e.g. `\source`).
    case run(String)
}

struct MetaCommands {
    typealias Handler = (_ args: [String], _ repl: REPL.State) async -> MetaOutcome

    static var table: [String: (help: String, handler: Handler)] { [
        "help": ("\\help [topic]   statements with syntax and examples", help),
        "?": ("\\?              same as \\help", help),
        "q": ("\\q              quit", { _, _ in .quit }),
        "quit": ("\\quit           quit", { _, _ in .quit }),
        "timing": ("\\timing [on|off]  show how long each statement took", timing),
        "format": ("\\format table|json|csv  output format", format),
        "dryrun": ("\\dryrun on|off  plan and read, but make no writes", dryrun),
        "history": ("\\history        the statements entered", history),
        "source": ("\\source FILE    run a script file", source),
        "i": ("\\i FILE         same as \\source", source),
        "refresh": ("\\refresh        reload the names Tab completes", refresh),
        "set": ("\\set [NAME VALUE]  set a script variable, or list them", set),
        "vars": ("\\vars           list script variables", vars),
        "conninfo": ("\\conninfo       the endpoint, project, instance and where the credentials came from", conninfo),
        "undo": ("\\undo           show the inverse of the last run that wrote, apply it if confirmed", undo),
    ] }

    static func handle(_ line: String, state: REPL.State) async -> MetaOutcome {
        var words = line.dropFirst().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard !words.isEmpty else { return .continue }
        let name = words.removeFirst().lowercased()
        guard let entry = table[name] else {
            var message = "unknown command \\\(name); try \\help"
            if let s = table.keys.sorted().min(by: { distance($0, name) < distance($1, name) }), distance(s, name) <= 2 {
                message = "unknown command \\\(name); did you mean \\\(s)?"
            }
            state.renderer.error(message)
            return .continue
        }
        return await entry.handler(words, state)
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var prev = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return a.isEmpty ? b.count : prev[b.count]
    }

    static func help(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        if args.isEmpty {
            await s.renderer.message("meta-commands:\n" + table.filter { $0.key != "?" && $0.key != "i" && $0.key != "quit" }
                .map { "  " + $0.value.help }.sorted().joined(separator: "\n") + "\n\nstatements (\\help TOPIC for one):\n" + Help.text(nil))
        } else {
            await s.renderer.message(Help.text(args.joined(separator: " ")))
        }
        return .continue
    }

    static func onOff(_ args: [String], current: Bool) -> Bool? {
        switch args.first?.lowercased() {
        case nil: return !current
        case "on": return true
        case "off": return false
        default: return nil
        }
    }

    static func timing(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        guard let v = onOff(args, current: s.timing) else { s.renderer.error("\\timing takes on or off"); return .continue }
        s.timing = v
        await s.renderer.message("timing is \(v ? "on" : "off")")
        return .continue
    }

    static func format(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        guard let name = args.first, let f = OutputFormat(rawValue: name.lowercased()) else {
            s.renderer.error("\\format takes table, json or csv (now \(s.renderer.format.rawValue))")
            return .continue
        }
        s.renderer.format = f
        await s.renderer.message("output format is \(f.rawValue)")
        return .continue
    }

    static func dryrun(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        guard let v = onOff(args, current: await s.evaluator.options.dryRun) else { s.renderer.error("\\dryrun takes on or off"); return .continue }
        await s.evaluator.setOptions { $0.dryRun = v }
        await s.renderer.message("dry run is \(v ? "on: nothing will be written" : "off")")
        return .continue
    }

    /// Never a secret: the credentials are named by their source only.
    static func conninfo(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        let client = s.evaluator.client
        let instance = await s.evaluator.currentInstance?.name
        var lines = [
            "connection: \(s.session.label)",
            "endpoint: \(s.session.localService?.url ?? client.baseURL)",
            "project: \(client.configuration.projectId)",
        ]
        if let region = s.session.region { lines.append("region: \(region)") }
        lines.append("instance: \(instance ?? "(none)")")
        lines.append("credentials: \(s.session.credentialSource)")
        await s.renderer.message(lines.joined(separator: "\n"))
        return .continue
    }

    static func undo(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        let last: Journal.Run
        switch UndoCommand.choose(nil, endpoint: s.session.journalEndpoint, project: s.evaluator.client.configuration.projectId) {
        case .success(let run): last = run
        case .failure(let f): s.renderer.error(f.message); return .continue
        }
        let undo = UndoCommand.inverse(of: last, environment: ProcessInfo.processInfo.environment)
        await s.renderer.message(undo.script.trimmingCharacters(in: .newlines))
        guard undo.statements > 0 else { await s.renderer.message("nothing to undo"); return .continue }
        guard case .line(let answer) = s.reader.readLine(prompt: "apply this undo? [y/N] "),
              ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased()) else {
            await s.renderer.message("not applied")
            return .continue
        }
        return .run(undo.script)
    }

    static func history(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        let entries = s.reader.history
        await s.renderer.message(entries.enumerated().map { String(format: "%5d  ", $0.offset + 1) + $0.element }.joined(separator: "\n"))
        return .continue
    }

    static func source(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        guard let path = args.first else { s.renderer.error("\\source takes a file name"); return .continue }
        return .run("source '\(path.replacingOccurrences(of: "'", with: "''"))';")
    }

    static func refresh(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        s.completer.refreshIfStale(force: true)
        await s.renderer.message("refreshing completion names in the background")
        return .continue
    }

    static func set(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        guard args.count >= 2 else { return await vars(args, s) }
        s.compilerOptions.variables[args[0]] = Value.fromCommandLine(args.dropFirst().joined(separator: " "))
        return .continue
    }

    static func vars(_ args: [String], _ s: REPL.State) async -> MetaOutcome {
        let lines = s.compilerOptions.variables.keys.sorted().map { key in
            "\(key) = \(s.compilerOptions.variables[key].map(show) ?? "")"
        }
        await s.renderer.message(lines.isEmpty ? "no variables" : lines.joined(separator: "\n"))
        return .continue
    }

    static func show(_ v: Value) -> String {
        switch v {
        case .string(let s): "'\(s)'"
        case .number(let n): String(n)
        case .list(let items): "(" + items.map(show).joined(separator: ", ") + ")"
        }
    }
}
