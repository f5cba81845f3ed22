import ArgumentParser
import DDMKit
import DDMLanguage
import Foundation

/// Decides how ddmsh was asked to run and runs it.
struct Shell {
    let options: DDMShCommand
    let environment = ProcessInfo.processInfo.environment
    var stdinIsTTY: Bool { isatty(0) == 1 }
    var stdoutIsTTY: Bool { isatty(1) == 1 }
    var color: Bool { stdoutIsTTY && isatty(2) == 1 && environment["NO_COLOR"] == nil }

    func run() async -> Int32 {
        let renderer = Renderer(format: options.output, color: color, showProgress: isatty(2) == 1 && options.output == .table)
        let runner = Runner(renderer: renderer, color: color)
        // What is wrong with the connection options is said first, not as its consequence
        // (`--profile nosuch` is not "no instance selected").
        if let problem = Self.connectionProblem(options.connection, environment: environment, warn: { renderer.error($0) }) {
            renderer.error("ddmsh: " + problem)
            return Runner.exitUsage
        }
        var compilerOptions = Compiler.Options()
        for v in options.variables {
            let eq = v.firstIndex(of: "=")!
            compilerOptions.variables[String(v[..<eq])] = Value.fromCommandLine(String(v[v.index(after: eq)...]))
        }
        compilerOptions.instanceSelected = Session.instancePreselected(options.connection, environment: environment)
        compilerOptions.secrets = .init(environment: environment)
        if let instances = options.instances {
            compilerOptions.fleet = try? DDMShCommand.fleet(instances, concurrency: options.concurrency, maxFailures: options.maxFailures,
                                                            canary: options.canary)
        }
        if Self.apiVersionIsV3(options.connection, environment: environment) {
            compilerOptions.extendedRefused = true
        }

        let source: SourceFile
        if let command = options.command {
            // Like psql -c, a final ';' may be left out.
            let trimmed = command.trimmingCharacters(in: .whitespacesAndNewlines)
            let text = trimmed.hasSuffix(";") || trimmed.hasSuffix("}") || trimmed.isEmpty ? command : command + ";"
            source = SourceFile(name: "<command>", text: text)
            if !SecretMask.ranges(in: command).isEmpty {
                renderer.error("ddmsh: warning: a password written in -c is visible to other users of this machine in the process list (ps); use password env NAME, file 'path' or prompt")
            }
        } else if let path = options.script ?? options.file {
            let text: String
            switch ScriptFile.read(path) {
            case .success(let t): text = t
            case .failure(let why):
                renderer.error("ddmsh: cannot read '\(path)': \(why.description)")
                return Runner.exitUsage
            }
            source = SourceFile(name: path, text: text)
        } else if !stdinIsTTY || options.check {
            var data = Data()
            while let chunk = try? FileHandle.standardInput.readToEnd(), !chunk.isEmpty { data.append(chunk) }
            source = SourceFile(name: "<stdin>", text: String(decoding: data, as: UTF8.self))
        } else {
            return await interactive(renderer: renderer, compilerOptions: compilerOptions)
        }

        if options.check { return runner.check(source, options: compilerOptions) }
        var session: Session?
        if options.detailedExitCode && !options.dryRun {
            renderer.error("ddmsh: --detailed-exitcode goes with --dry-run")
            return Runner.exitUsage
        }
        let recorder = options.planOut.map { _ in PlanRecorder() }
        var planInstance: SavedPlan.Instance?
        var outcome = await runner.run(source, options: compilerOptions, printPlan: options.dryRun,
                                       detailedExitCode: options.detailedExitCode) {
            let s = try await Session.connect(options.connection, environment: environment, warn: { renderer.error($0) }, recorder: recorder)
            session = s
            let e = makeEvaluator(s, renderer: renderer)
            if let recorder { await e.setOptions { $0.planRecorder = recorder } }
            // The instance the plan is for, by id: applied elsewhere, it is refused.
            if recorder != nil { planInstance = await e.planInstance() }
            return e
        }
        if let path = options.planOut, let recorder, let session {
            outcome.exitCode = savePlan(recorder, to: path, source: source, session: session, instance: planInstance,
                                        exitCode: outcome.exitCode, renderer: renderer)
        }
        await session?.close()
        return outcome.exitCode
    }

    /// Writes the plan a dry run recorded, when it ran to the end (in sync or with changes).
    private func savePlan(_ recorder: PlanRecorder, to path: String, source: SourceFile, session: Session, instance: SavedPlan.Instance?,
                          exitCode: Int32, renderer: Renderer) -> Int32 {
        guard exitCode == Runner.exitOK || exitCode == Runner.exitDrift else {
            renderer.error("ddmsh: the dry run did not finish; no plan was written to \(path)")
            return exitCode
        }
        if let why = recorder.unsupported {
            renderer.error("ddmsh: \(why); no plan was written")
            return Runner.exitFailed
        }
        let plan = recorder.plan(endpoint: session.journalEndpoint, project: session.client.configuration.projectId, instance: instance,
                                 source: source.name, created: Date()) { file, offset in
            guard file == source.name else { return file }
            let (line, column) = source.location(offset)
            return "\(file):\(line):\(column)"
        }
        do { try plan.write(to: path) } catch {
            renderer.error("ddmsh: \(error)")
            return Runner.exitFailed
        }
        let n = plan.writes.count
        renderer.error("plan saved to \(path): \(n) write\(n == 1 ? "" : "s"); 'ddmsh apply \(path)' makes exactly \(n == 1 ? "it" : "them")")
        // A password written in the script is never saved: the plan asks for it instead, which
        // an unattended apply cannot answer. Said now, not when the apply fails.
        let asking = plan.statements.filter { !$0.writes.isEmpty && $0.statement.contains("password prompt") }
        if !asking.isEmpty, !SecretMask.ranges(in: String(decoding: source.bytes, as: UTF8.self)).isEmpty {
            renderer.error("ddmsh: warning: passwords written in the script are not kept in the plan: 'ddmsh apply' asks for "
                + "\(asking.count == 1 ? "it" : "them") at a terminal (\(asking.map(\.at).joined(separator: ", "))); "
                + "to apply unattended, write password env NAME or file 'path'")
        }
        return exitCode
    }

    /// The REPL, on a session connected first (a failure to connect is reported before any prompt).
    private func interactive(renderer: Renderer, compilerOptions: Compiler.Options) async -> Int32 {
        let session: Session
        switch await Session.connect(options.connection, environment: environment, reportingTo: renderer) {
        case .success(let s): session = s
        case .failure(let exit): return exit.code
        }
        let code = await REPL(renderer: renderer, session: session, evaluator: makeEvaluator(session, renderer: renderer),
                              compilerOptions: compilerOptions).run()
        await session.close()
        return code
    }

    /// Options that contradict each other, or a profile that is not there.
    static func connectionProblem(_ o: ConnectionOptions, environment: [String: String], warn: (String) -> Void) -> String? {
        if o.local, let other = o.endpoint.map({ "--endpoint \($0)" }) ?? o.region.map({ "--region \($0)" }) {
            return "--local runs the embedded service; \(other) names another endpoint: give one of them"
        }
        let explicit = o.profile ?? environment["DDMSH_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let name = explicit {
            do { _ = try Profile.load(name, path: DataPaths.configFile, warn: { _ in }) } catch let f as ShellFailure { return f.message } catch { return "\(error)" }
        }
        return nil
    }

    /// Whether the run will use v3 alone (flag, environment or profile), known before connecting,
    /// so that what v3 cannot carry is refused at compile time.
    static func apiVersionIsV3(_ o: ConnectionOptions, environment: [String: String]) -> Bool {
        let profile = Session.profileName(o, environment: environment).flatMap { name in
            Profile.file(at: DataPaths.configFile)?.profiles[name]
        }
        return (try? o.apiVersionChoice(profile: profile, environment: environment)) == .v3
    }

    func makeEvaluator(_ session: Session, renderer: Renderer) -> Evaluator {
        let regions = RegionClients(connection: options.connection, environment: environment, session: session)
        return Self.evaluator(on: session, renderer: renderer, environment: environment, instance: session.instance) {
            $0.dryRun = options.dryRun
            $0.continueOnError = options.onError == "continue"
            $0.retryFailed = options.retryFailed
            $0.regionClient = { try await regions.client(for: $0) }
        }
    }

    /// An evaluator on a session as every way in wants it: journaled, polling at the session's
    /// pace, secrets from the environment or a file, or a no-echo prompt when stdin is a terminal.
    static func evaluator(on session: Session, renderer: Renderer, environment: [String: String], instance: String?,
                          promptHint: String = "use env NAME or file 'path'",
                          configure: (inout Evaluator.Options) -> Void) -> Evaluator {
        var options = Evaluator.Options()
        options.journalDirectory = DataPaths.journalDirectory
        options.pollInterval = session.pollInterval
        options.journalEndpoint = session.journalEndpoint
        options.stopRequested = { StandardStreams.stdoutClosed }
        configure(&options)
        let interactive = isatty(0) == 1
        let secrets = DefaultSecretResolver(environment: environment) { purpose in
            guard interactive else { throw EvaluationError("cannot prompt for the \(purpose): stdin is not a terminal (\(promptHint))") }
            return try SecretPrompt.read("\(purpose): ")
        }
        return Evaluator(client: session.client, sink: renderer, secrets: secrets, options: options, instance: instance)
    }
}
