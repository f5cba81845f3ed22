import ArgumentParser
import DDMLanguage
import Foundation

/// `ddmsh undo`: takes back the last run that wrote (or a chosen one) from its journal.
struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Show the inverse of the last run that wrote, as a plan, and apply it after confirmation.",
        discussion: """
            Runs are journaled under ~/.local/state/ddmsh/journal (XDG_STATE_HOME). Undo restores the \
            privileges, schemas and comments of the accounts a run changed, drops the accounts and \
            schemas it created, recreates the accounts it dropped (their passwords cannot be read back: \
            a new one comes from DDM_PASSWORD_<ACCOUNT> or a prompt), and names what it cannot restore \
            (a dropped schema's data). An undo is a run like any other, so it can be undone too.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "List the journaled runs, oldest first.") var list = false
    @Option(help: "The run to undo (an id from --list); default: the last run that wrote.") var run: String?
    @Flag(help: "Apply without asking (for scripts).") var yes = false
    @Option(help: "Output format: table, json or csv (as for a script: given before or after undo).") var output: OutputFormat = .table

    func run() async throws {
        let code = await execute()
        if code != 0 { throw ExitCode(code) }
    }

    func execute() async -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let renderer = Renderer(format: output, color: false, showProgress: isatty(2) == 1)
        if list {
            let (runs, unreadable) = Journal.scan(DataPaths.journalDirectory)
            var rows = runs.filter { !$0.writes.isEmpty }.map {
                [$0.header.run, $0.header.time, $0.header.endpoint, $0.header.project,
                 $0.header.instanceName ?? $0.header.instance ?? "", String($0.writes.count), $0.header.undoes ?? "", $0.header.fleet ?? ""]
            }
            rows += unreadable.map { [$0, "", "(journal cannot be read)", "", "", "", "", ""] }
            await renderer.table(ResultTable(columns: ["run", "time", "endpoint", "project", "instance", "writes", "undoes", "fleet"],
                                             rows: rows.sorted { $0[0] < $1[0] }))
            return Runner.exitOK
        }
        let session: Session
        switch await Session.connect(connection, environment: environment, reportingTo: renderer) {
        case .success(let s): session = s
        case .failure(let exit): return exit.code
        }
        let code = await undo(on: session, renderer: renderer, environment: environment)
        await session.close()
        return code
    }

    /// Chooses the run, shows its inverse, asks, and applies it; the caller closes the session.
    /// A fleet across regions is undone everywhere it ran: each other endpoint is reached through
    /// the profile its journal names, and when one cannot be reached nothing is applied anywhere.
    private func undo(on session: Session, renderer: Renderer, environment: [String: String]) async -> Int32 {
        let chosen: Journal.Run
        switch Self.choose(run, endpoint: session.journalEndpoint, project: session.client.configuration.projectId) {
        case .success(let r): chosen = r
        case .failure(let f):
            renderer.error("ddmsh: " + f.message)
            return f.exitCode
        }
        let runs = Self.withFleet(chosen)
        let project = session.client.configuration.projectId
        var parts: [(session: Session, runs: [Journal.Run])] = [(session, runs.filter { $0.header.endpoint == session.journalEndpoint && $0.header.project == project })]
        var unreachable: [String] = []
        var opened: [Session] = []
        defer { for s in opened { Task { await s.close() } } }
        let elsewhere = runs.filter { $0.header.endpoint != session.journalEndpoint || $0.header.project != project }
        var places: [(endpoint: String, project: String)] = []
        for r in elsewhere where !places.contains(where: { $0 == (r.header.endpoint, r.header.project) }) { places.append((r.header.endpoint, r.header.project)) }
        for place in places {
            let here = elsewhere.filter { ($0.header.endpoint, $0.header.project) == place }
            switch await Self.connect(to: place, profile: here.compactMap(\.header.profile).first, options: connection, environment: environment) {
            case .success(let other):
                opened.append(other)
                parts.append((other, here))
            case .failure(let why):
                unreachable.append("\(place.endpoint) (project \(place.project)): \(why.message)")
            }
        }
        let undo = Self.inverse(of: runs, environment: environment)
        await renderer.message(undo.script.trimmingCharacters(in: .newlines))
        guard undo.statements > 0 else {
            await renderer.message("nothing to undo in run \(chosen.header.run)")
            return Runner.exitOK
        }
        guard unreachable.isEmpty else {
            renderer.error("ddmsh: the fleet also ran where this undo cannot reach; nothing was applied:\n"
                           + unreachable.map { "  " + $0 }.joined(separator: "\n"))
            return Runner.exitFailed
        }
        if !yes {
            guard isatty(0) == 1 else {
                renderer.error("ddmsh: undo changes the instance; give --yes to apply it without a terminal")
                return Runner.exitUsage
            }
            StandardStreams.err("apply this undo? [y/N] ")
            guard let answer = readLine(), ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased()) else {
                renderer.error("not applied")
                return Runner.exitFailed
            }
        }
        let runner = Runner(renderer: renderer, color: false)
        var worst = Runner.exitOK
        for part in parts where !part.runs.isEmpty {
            let script = Self.inverse(of: part.runs, environment: environment).script
            var options = Compiler.Options()
            options.secrets = .init(environment: environment)
            let instance = part.runs.first?.header.instance ?? part.session.instance
            options.instanceSelected = instance != nil
            let outcome = await runner.run(SourceFile(name: "<undo \(chosen.header.run)>", text: script), options: options) {
                Shell.evaluator(on: part.session, renderer: renderer, environment: environment, instance: instance,
                                promptHint: "set DDM_PASSWORD_<ACCOUNT>") { $0.undoing = chosen.header.run }
            }
            if worst == Runner.exitOK { worst = outcome.exitCode }
        }
        return worst
    }

    /// A session on another endpoint a fleet's run was journaled on, through the profile it ran with.
    private static func connect(to place: (endpoint: String, project: String), profile: String?, options: ConnectionOptions,
                                environment: [String: String]) async -> Result<Session, ShellFailure> {
        guard let profile, profile != "local" else {
            return .failure(ShellFailure(message: "its journal names no profile to connect with; undo it there with --run", exitCode: 1))
        }
        var o = options
        o.profile = profile
        o.endpoint = nil; o.region = nil; o.projectId = nil; o.instance = nil; o.local = false
        do {
            let s = try await Session.connect(o, environment: environment, warn: { StandardStreams.err("ddmsh: \($0)\n") })
            guard s.journalEndpoint == place.endpoint, s.client.configuration.projectId == place.project else {
                await s.close()
                return .failure(ShellFailure(message: "profile \(profile) now connects to \(s.journalEndpoint) (project \(s.client.configuration.projectId))", exitCode: 1))
            }
            // Reached now, before anything is taken back anywhere: one list call.
            do {
                _ = try await s.client.allInstances()
            } catch {
                await s.close()
                return .failure(ShellFailure(message: "through profile \(profile): \(error)", exitCode: 1))
            }
            return .success(s)
        } catch let f as ShellFailure {
            return .failure(f)
        } catch {
            return .failure(ShellFailure(message: "profile \(profile): \(error)", exitCode: 1))
        }
    }

    /// The run to undo on this endpoint and project: the one named, or the newest that wrote.
    /// A journal that cannot be read and is newer than that run stops the choice: undoing an
    /// older run in its place would leave the newer changes standing without a word.
    static func choose(_ id: String?, endpoint: String, project: String) -> Result<Journal.Run, ShellFailure> {
        let (runs, unreadable) = Journal.scan(DataPaths.journalDirectory)
        let here = runs.filter { !$0.writes.isEmpty && $0.header.endpoint == endpoint && $0.header.project == project }
        if let id {
            guard let run = runs.first(where: { $0.header.run == id }) else {
                let damaged = unreadable.contains(id)
                return .failure(ShellFailure(message: damaged ? "the journal of run '\(id)' cannot be read (\(DataPaths.journalDirectory)/\(id).jsonl)"
                                                               : "no journaled run '\(id)'; see 'ddmsh undo --list'", exitCode: damaged ? 1 : 2))
            }
            guard run.header.endpoint == endpoint, run.header.project == project else {
                return .failure(ShellFailure(message: "run '\(id)' was made on \(run.header.endpoint) (project \(run.header.project)), not on \(endpoint); connect there to undo it", exitCode: 2))
            }
            return .success(run)
        }
        guard let last = here.last else {
            if let damaged = unreadable.last {
                return .failure(ShellFailure(message: "the journal of run '\(damaged)' cannot be read (\(DataPaths.journalDirectory)/\(damaged).jsonl), and no other run on \(endpoint) can be undone", exitCode: 1))
            }
            return .failure(ShellFailure(message: "no journaled run on \(endpoint) to undo; see 'ddmsh undo --list'", exitCode: 2))
        }
        if let damaged = unreadable.last, damaged > last.header.run {
            return .failure(ShellFailure(message: "the newest journal, of run '\(damaged)', cannot be read (\(DataPaths.journalDirectory)/\(damaged).jsonl); undo does not skip it for an older run. Give --run \(last.header.run) to undo that one", exitCode: 1))
        }
        return .success(last)
    }

    /// A run's inverse; a recreated account reads its password from `DDM_PASSWORD_<ACCOUNT>` when set.
    static func inverse(of run: Journal.Run, environment: [String: String]) -> Undo.Result {
        inverse(of: [run], environment: environment)
    }

    /// The inverse of several runs, newest first: a fleet's targets, each on its own instance.
    static func inverse(of runs: [Journal.Run], environment: [String: String]) -> Undo.Result {
        let passwords = Set(environment.keys.filter { $0.hasPrefix("DDM_PASSWORD_") })
        let parts = runs.map { Undo.script($0, passwordFromEnvironment: passwords) }
        return Undo.Result(script: parts.map(\.script).joined(), notes: parts.flatMap(\.notes), statements: parts.reduce(0) { $0 + $1.statements })
    }

    /// The run and, when it is one target of a fleet, every other target's run of that fleet,
    /// wherever it ran (a fleet across regions), newest first: a fleet is undone as the one run it was.
    static func withFleet(_ run: Journal.Run) -> [Journal.Run] {
        guard let fleet = run.header.fleet else { return [run] }
        let (runs, _) = Journal.scan(DataPaths.journalDirectory)
        let group = runs.filter { $0.header.fleet == fleet && !$0.writes.isEmpty }
        return group.isEmpty ? [run] : group.sorted { $0.header.run > $1.header.run }
    }
}
