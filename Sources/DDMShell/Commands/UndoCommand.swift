import ArgumentParser
import DDMLanguage
import Foundation

/// `ddmsh undo`: takes back the last run that wrote (or a chosen one) from its journal.
struct UndoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Show the inverse of the last run that wrote, as a plan, and apply it after confirmation.",
        discussion: """
            Runs are journaled under ~/.local/state/ddmsh/journal (XDG_STATE_HOME). Undo restores the
            privileges, schemas and comments of the accounts a run changed, drops the accounts and
            schemas it created, recreates the accounts it dropped (their passwords cannot be read back:
            a new one comes from DDM_PASSWORD_<ACCOUNT> or a prompt), and names what it cannot restore
            (a dropped schema's data). An undo is a run like any other, so it can be undone too.
            """)

    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "List the journaled runs, oldest first.") var list = false
    @Option(help: "The run to undo (an id from --list); default: the last run that wrote.") var run: String?
    @Flag(help: "Apply without asking (for scripts).") var yes = false

    func run() async throws {
        let code = await execute()
        if code != 0 { throw ExitCode(code) }
    }

    func execute() async -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let renderer = Renderer(format: .table, color: false, showProgress: isatty(2) == 1)
        let runs = Self.undoableRuns()
        if list {
            await renderer.table(ResultTable(columns: ["run", "time", "instance", "writes", "undoes"], rows: runs.map {
                [$0.header.run, $0.header.time, $0.header.instanceName ?? $0.header.instance ?? "", String($0.writes.count), $0.header.undoes ?? ""]
            }))
            return Runner.exitOK
        }
        guard let chosen = run.map({ id in runs.first { $0.header.run == id } }) ?? runs.last else {
            renderer.error(run.map { "ddmsh: no journaled run '\($0)'; see 'ddmsh undo --list'" } ?? "ddmsh: no journaled run to undo")
            return Runner.exitUsage
        }
        let undo = Self.inverse(of: chosen, environment: environment)
        await renderer.message(undo.script.trimmingCharacters(in: .newlines))
        guard undo.statements > 0 else {
            await renderer.message("nothing to undo in run \(chosen.header.run)")
            return Runner.exitOK
        }
        if !yes {
            guard isatty(0) == 1 else {
                renderer.error("ddmsh: undo changes the instance; give --yes to apply it without a terminal")
                return Runner.exitUsage
            }
            StandardStreams.err("apply this undo? [y/N] ")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                renderer.error("not applied")
                return Runner.exitFailed
            }
        }
        let runner = Runner(renderer: renderer, color: false)
        var session: Session?
        let outcome = await runner.run(SourceFile(name: "<undo \(chosen.header.run)>", text: undo.script), options: Compiler.Options()) {
            let s = try await Session.connect(connection, environment: environment, warn: { renderer.error($0) })
            session = s
            return Shell.evaluator(on: s, renderer: renderer, environment: environment, instance: chosen.header.instance,
                                   promptHint: "set DDM_PASSWORD_<ACCOUNT>") { $0.undoing = chosen.header.run }
        }
        await session?.close()
        return outcome.exitCode
    }

    /// Journaled runs that wrote something, oldest first.
    static func undoableRuns() -> [Journal.Run] {
        Journal.runs(in: DataPaths.journalDirectory).filter { !$0.writes.isEmpty }
    }

    /// A run's inverse; a recreated account reads its password from `DDM_PASSWORD_<ACCOUNT>` when set.
    static func inverse(of run: Journal.Run, environment: [String: String]) -> Undo.Result {
        Undo.script(run, passwordFromEnvironment: Set(environment.keys.filter { $0.hasPrefix("DDM_PASSWORD_") }))
    }
}
