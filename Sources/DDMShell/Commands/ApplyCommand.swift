import ArgumentParser
import DDMKit
import DDMLanguage
import Foundation

/// `ddmsh apply <plan>`: makes exactly the writes a saved plan holds (`ddmsh --dry-run --plan-out`),
/// after reading again the state they were computed from. It does not ask: the plan is what was
/// reviewed, as `terraform apply <plan>` does not ask.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a saved plan (ddmsh --dry-run --plan-out FILE): exactly its writes, or nothing if the state it read has changed.",
        discussion: """
            The plan is refused (exit 1, nothing sent) when it was made on another endpoint, project or instance, or when \
            any read it was computed from now answers differently (a stale plan: what changed is listed). Otherwise its \
            statements run as a script would, journaled and audited, and only the writes the plan lists can be sent; \
            'ddmsh undo' takes them back. Secrets come from where the plan's statements say (env NAME, file 'path').
            """)

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The plan file.") var plan: String
    @Option(help: "Output format: table, json or csv.") var output: OutputFormat = .table

    func run() async throws {
        let code = await execute()
        if code != 0 { throw ExitCode(code) }
    }

    func execute() async -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let renderer = Renderer(format: output, color: false, showProgress: isatty(2) == 1 && output == .table)
        let saved: SavedPlan
        do { saved = try SavedPlan.load(plan) } catch {
            renderer.error("ddmsh: \(error)")
            return Runner.exitUsage
        }
        let session: Session
        switch await Session.connect(connection, environment: environment, reportingTo: renderer) {
        case .success(let s): session = s
        case .failure(let exit): return exit.code
        }
        let code = await apply(saved, on: session, renderer: renderer, environment: environment)
        await session.close()
        return code
    }

    private func apply(_ saved: SavedPlan, on session: Session, renderer: Renderer, environment: [String: String]) async -> Int32 {
        func refuse(_ why: String) -> Int32 {
            renderer.error("ddmsh: \(why); nothing was sent")
            return Runner.exitFailed
        }
        let project = session.client.configuration.projectId
        guard saved.endpoint == session.journalEndpoint, saved.project == project else {
            return refuse("this plan was made on \(saved.endpoint) (project \(saved.project)), not on \(session.journalEndpoint) (project \(project))")
        }
        var instance = saved.instance?.id
        if let wanted = saved.instance {
            do {
                let all = try await session.client.allInstances()
                guard let here = all.first(where: { $0.id == wanted.id }) else {
                    return refuse("this plan is for instance \(wanted.name) (\(wanted.id)), which is not on this endpoint")
                }
                // An instance named on the command line must be the plan's.
                if let named = connection.instance, named != here.id, named != here.name {
                    return refuse("this plan is for instance \(wanted.name) (\(wanted.id)), not \(named)")
                }
                instance = here.id
            } catch {
                return refuse("cannot read the instances to check the plan's (\(error))")
            }
        }
        do {
            let changed = try await saved.changes(on: session.client)
            if !changed.isEmpty {
                renderer.error("ddmsh: the plan is stale: what it read has changed since it was made:\n" + changed.map { "  " + $0 }.joined(separator: "\n")
                               + "\nnothing was sent; make the plan again (ddmsh --dry-run --plan-out …)")
                return Runner.exitFailed
            }
        } catch {
            return refuse("cannot read the state the plan was made from again (\(error))")
        }
        guard !saved.statements.isEmpty else {
            await renderer.message("the plan has no writes; nothing to apply")
            return Runner.exitOK
        }
        var options = Compiler.Options()
        options.secrets = .init(environment: environment)
        options.instanceSelected = instance != nil
        // Rehearsed first, as a dry run with the run's own reads: every write it would make must
        // be the plan's, on the plan's instance, in the plan's order, or nothing is sent. The
        // guard alone would refuse a foreign write only when it came, after the ones before it
        // (a stale state the kept reads do not cover, a plan file edited by hand).
        let rehearsal = PlanRecorder()
        let silent = Renderer(format: .table, color: false, showProgress: false, out: { _ in }, err: { _ in })
        let rehearsed = await Runner(renderer: silent, color: false).run(SourceFile(name: plan, text: saved.script), options: options) {
            Shell.evaluator(on: session, renderer: silent, environment: environment, instance: instance) {
                $0.dryRun = true
                $0.planRecorder = rehearsal
            }
        }
        let would = rehearsal.plan(endpoint: saved.endpoint, project: saved.project, instance: saved.instance, source: "", created: Date(),
                                   locate: { _, _ in "" }).writes
        if rehearsed.exitCode != Runner.exitOK || would != saved.writes {
            let missing = saved.writes.filter { !would.contains($0) }, extra = would.filter { !saved.writes.contains($0) }
            var lines = missing.map { "  planned, now not made: \($0)" } + extra.map { "  not planned, now made: \($0)" }
            if lines.isEmpty { lines = rehearsed.exitCode != Runner.exitOK ? ["  a statement of the plan would now fail"] : ["  the same writes in another order"] }
            renderer.error("ddmsh: the plan no longer matches what running it would do:\n" + lines.joined(separator: "\n")
                           + "\nnothing was sent; make the plan again (ddmsh --dry-run --plan-out …)")
            return Runner.exitFailed
        }
        let guardian = PlanGuard(saved)
        let runner = Runner(renderer: renderer, color: false)
        let outcome = await runner.run(SourceFile(name: plan, text: saved.script), options: options) {
            Shell.evaluator(on: session, renderer: renderer, environment: environment, instance: instance) { $0.planGuard = guardian }
        }
        if outcome.exitCode == Runner.exitOK, !guardian.notMade.isEmpty {
            renderer.error("ddmsh: the plan's writes not made: " + guardian.notMade.joined(separator: "; "))
            return Runner.exitFailed
        }
        return outcome.exitCode
    }
}
