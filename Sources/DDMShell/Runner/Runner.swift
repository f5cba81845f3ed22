import DDMLanguage
import Foundation

/// Compiles and runs one source (a script, a `-c` command, standard input, or one REPL input):
/// everything is compiled first (one error: nothing runs), then executed, then reported. Scripts
/// and the REPL both come through here, so the error policy, interrupts and the "already applied"
/// list behave and read the same everywhere.
public struct Runner: Sendable {
    public static let exitOK: Int32 = 0
    public static let exitFailed: Int32 = 1
    public static let exitUsage: Int32 = 2
    /// `--dry-run --detailed-exitcode`: the script would change something (the live state drifted).
    public static let exitDrift: Int32 = 3
    public static let exitInterrupted: Int32 = 130

    /// How a run ended, and what later inputs of the same session inherit.
    struct Outcome {
        var exitCode: Int32
        /// Variables and instance choice after the source (the REPL carries them to the next input).
        var variables: [String: Value]?
        var instanceSelected: Bool?
        /// True when statements ran (the REPL refreshes its completion names after them).
        var ranStatements = false
        /// True when the run changed something at the service: names completion holds may be gone
        /// or new (a node added, an account dropped), so the REPL refreshes them at once.
        var wrote = false
    }

    let renderer: Renderer
    let color: Bool

    /// Diagnostics printed for one source at most; the rest are counted (binary input makes thousands).
    static let diagnosticLimit = 20

    func printDiagnostics(_ diagnostics: [Diagnostic], sources: [String: SourceFile]) {
        let formatter = DiagnosticFormatter(color: color)
        defer {
            if diagnostics.count > Self.diagnosticLimit {
                renderer.error("… and \(diagnostics.count - Self.diagnosticLimit) more (only the first \(Self.diagnosticLimit) are shown)")
            }
        }
        // Over the limit, errors come first: twenty warnings must not hide why the run failed.
        let shown = diagnostics.count <= Self.diagnosticLimit ? diagnostics
            : Array((diagnostics.filter { $0.severity == .error } + diagnostics.filter { $0.severity != .error }).prefix(Self.diagnosticLimit))
        for d in shown {
            if let source = sources[d.file] {
                renderer.error(formatter.format(d, in: source))
            } else {
                renderer.error("\(d.file): \(d.severity.rawValue): \(d.message)")
            }
        }
    }

    /// Parse and compile only (`--check`).
    func check(_ source: SourceFile, options: Compiler.Options) -> Int32 {
        var options = options
        options.keepPlan = false
        options.warnConditionalSecrets = true
        let output = Compiler.compile(source, options: options)
        printDiagnostics(output.diagnostics, sources: output.sources)
        return output.hasErrors ? Self.exitUsage : Self.exitOK
    }

    /// - Parameters:
    ///   - printPlan: print the plan before running it (`--dry-run`).
    ///   - evaluator: called only when a statement needs the service (help alone does not), so a
    ///     script connects lazily and the REPL hands over the one it keeps.
    ///   - detailedExitCode: exit `exitDrift` when a dry run found changes to make.
    func run(_ source: SourceFile, options: Compiler.Options, printPlan: Bool = false, detailedExitCode: Bool = false,
             evaluator: () async throws -> Evaluator) async -> Outcome {
        let output = Compiler.compile(source, options: options)
        printDiagnostics(output.diagnostics, sources: output.sources)
        if output.hasErrors {
            let n = output.diagnostics.filter { $0.severity == .error }.count
            renderer.error("\(n) error\(n == 1 ? "" : "s"); nothing was run")
            return Outcome(exitCode: Self.exitUsage)
        }
        var outcome = Outcome(exitCode: Self.exitOK, variables: output.variables, instanceSelected: output.instanceSelected)
        if output.plan.steps.isEmpty { return outcome }
        // Help needs no service: answer it without connecting (this is also ddmsh's startup path).
        if let help = output.plan.helpOnly {
            for text in help { await renderer.message(text) }
            return outcome
        }
        let eval: Evaluator
        do {
            eval = try await evaluator()
        } catch let f as ShellFailure {
            renderer.error("ddmsh: " + f.message)
            outcome.exitCode = f.exitCode
            return outcome
        } catch {
            renderer.error("ddmsh: \(error)")
            outcome.exitCode = Self.exitFailed
            return outcome
        }
        if printPlan {
            // The routes the client will really send (the API version chosen, or learned), as `explain` prints them.
            let routes = RouteVersions(choice: eval.client.configuration.apiVersion, olderOnly: await eval.client.olderOnlyOperations())
            await renderer.message(output.plan.description(routes: routes))
        }
        let sources = output.sources
        await eval.setOnFailure { d in self.printDiagnostics([d], sources: sources) }
        let (report, caught) = await Interrupts.cancelling { await eval.run(output.plan) }
        // A closed stdout may stop the run (before its next step) ahead of the signal it posts.
        let signal = caught ?? (report.interrupted && StandardStreams.stdoutClosed ? SIGPIPE : nil)
        outcome.ranStatements = true
        outcome.wrote = !report.written.isEmpty
        if let account = Self.account(of: report, signal: signal) { renderer.error(account) }
        else if StandardStreams.stdoutClosed, !report.written.isEmpty {
            // The run finished, but the reader went before it saw what was done: said here instead.
            renderer.error("stdout was closed before the run's output was read; applied:\n" + report.written.map { "  " + $0 }.joined(separator: "\n"))
        }
        outcome.exitCode = report.interrupted ? Interrupts.exitCode(for: signal)
            : report.failures.isEmpty ? Self.exitOK : Self.exitFailed
        // Output that found no reader was lost: not a success, whichever statement wrote it last.
        if outcome.exitCode == Self.exitOK && StandardStreams.stdoutClosed { outcome.exitCode = Interrupts.exitCode(for: SIGPIPE) }
        if detailedExitCode, outcome.exitCode == Self.exitOK {
            let drifted = report.wouldChange > 0
            renderer.error(drifted ? "drift: \(report.wouldChange) change\(report.wouldChange == 1 ? "" : "s") would be made" : "in sync: nothing would change")
            if drifted { outcome.exitCode = Self.exitDrift }
        }
        return outcome
    }

    /// The one account of a run that did not finish: what was applied, and what was in flight when
    /// it stopped (checked against the service where it could be). Nil when there is nothing to say
    /// (a reader that closed the pipe on a run that changed nothing wants silence, as `head` does).
    static func account(of report: Evaluator.Report, signal: Int32?) -> String? {
        guard report.interrupted || report.stoppedEarly else { return nil }
        var head = report.interrupted ? "interrupted" : "stopped at the first failure"
        if let batch = report.interruptedBatch {
            head += ": \(batch.applied) of \(batch.total) change\(batch.total == 1 ? "" : "s") were applied"
        }
        var lines: [String] = []
        if !report.applied.isEmpty {
            lines.append(head + "; already applied:")
            lines += report.applied.map { "  " + $0 }
        } else if report.interrupted {
            if signal == SIGPIPE && report.unknown.isEmpty { return nil }
            lines.append(report.interruptedBatch == nil ? head + "; nothing was applied" : head)
        } else if report.unknown.isEmpty {
            return nil
        }
        if !report.unknown.isEmpty {
            lines.append("outcome unknown (the answer was lost and reading it back failed):")
            lines += report.unknown.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}
