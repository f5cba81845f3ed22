import DDMLanguage
import Foundation

/// Runs a whole script: compile all of it first (one error: nothing runs),
/// then execute, then report. Returns the documented exit code.
public struct ScriptRunner: Sendable {
    public static let exitOK: Int32 = 0
    public static let exitFailed: Int32 = 1
    public static let exitUsage: Int32 = 2
    public static let exitInterrupted: Int32 = 130

    let renderer: Renderer
    let color: Bool

    func printDiagnostics(_ diagnostics: [Diagnostic], sources: [String: SourceFile]) {
        let formatter = DiagnosticFormatter(color: color)
        for d in diagnostics {
            if let source = sources[d.file] {
                renderer.error(formatter.format(d, in: source))
            } else {
                renderer.error("\(d.file): \(d.severity.rawValue): \(d.message)")
            }
        }
    }

    func printFailuresAsTheyHappen(_ evaluator: Evaluator, sources: [String: SourceFile]) {
        evaluator.onFailure = { d in self.printDiagnostics([d], sources: sources) }
    }

    /// Parse and compile only (`--check`).
    func check(_ source: SourceFile, options: Compiler.Options) -> Int32 {
        var options = options
        options.keepPlan = false
        let output = Compiler.compile(source, options: options)
        printDiagnostics(output.diagnostics, sources: output.sources)
        if output.hasErrors { return Self.exitUsage }
        return Self.exitOK
    }

    func run(_ source: SourceFile, options: Compiler.Options, dryRun: Bool,
             evaluator: () async throws -> Evaluator) async -> Int32 {
        let output = Compiler.compile(source, options: options)
        printDiagnostics(output.diagnostics, sources: output.sources)
        if output.hasErrors {
            let n = output.diagnostics.filter { $0.severity == .error }.count
            renderer.error("\(n) error\(n == 1 ? "" : "s"); nothing was run")
            return Self.exitUsage
        }
        if output.plan.steps.isEmpty { return Self.exitOK }
        // Help needs no service: answer it without connecting (this is also ddmsh's startup path).
        let helpOnly = output.plan.steps.allSatisfy { if case .help = $0.action { true } else { false } }
        if helpOnly {
            for step in output.plan.steps {
                if case .help(let topic) = step.action { await renderer.message(Help.text(topic)) }
            }
            return Self.exitOK
        }
        let eval: Evaluator
        do {
            eval = try await evaluator()
        } catch let f as ShellFailure {
            renderer.error("ddmsh: " + f.message)
            return f.exitCode
        } catch {
            renderer.error("ddmsh: \(error)")
            return Self.exitFailed
        }
        if dryRun {
            await renderer.message(output.plan.description)
            eval.options.dryRun = true
        }
        printFailuresAsTheyHappen(eval, sources: output.sources)
        let report = await Interrupts.cancellingOnSIGINT { await eval.run(output.plan) }
        if report.interrupted || report.stoppedEarly || !report.failures.isEmpty {
            if !report.applied.isEmpty && (report.interrupted || report.stoppedEarly) {
                renderer.error((report.interrupted ? "interrupted" : "stopped at the first failure")
                    + "; already applied:\n" + report.applied.map { "  " + $0 }.joined(separator: "\n"))
            } else if report.interrupted {
                renderer.error("interrupted; nothing was applied")
            }
        }
        if report.interrupted { return Self.exitInterrupted }
        return report.failures.isEmpty ? Self.exitOK : Self.exitFailed
    }
}
