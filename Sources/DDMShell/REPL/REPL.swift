import DDMKit
import DDMLanguage
import Foundation
import LineEditor

/// The interactive loop: read (libedit on a terminal), parse until complete,
/// compile, run, print; meta-commands start with a backslash.
struct REPL {
    let options: DDMShCommand
    let renderer: Renderer
    var compilerOptions: Compiler.Options

    /// What meta-commands may read and change.
    final class State {
        let renderer: Renderer
        let evaluator: Evaluator
        let reader: LineReader
        let completer: Completer
        var compilerOptions: Compiler.Options
        var timing = false
        init(renderer: Renderer, evaluator: Evaluator, reader: LineReader, completer: Completer, compilerOptions: Compiler.Options) {
            self.renderer = renderer; self.evaluator = evaluator; self.reader = reader
            self.completer = completer; self.compilerOptions = compilerOptions
        }
    }

    func run() async -> Int32 {
        let shell = Shell(options: options)
        let session: Session
        do {
            session = try await Session.connect(options.connection, environment: shell.environment, warn: { renderer.error($0) })
        } catch let f as ShellFailure {
            renderer.error("ddmsh: " + f.message)
            return f.exitCode
        } catch {
            renderer.error("ddmsh: \(error)")
            return ScriptRunner.exitFailed
        }
        let evaluator = shell.makeEvaluator(session, renderer: renderer)
        let client = session.client
        let completer = Completer { [evaluator] in
            var names = Completer.Names()
            names.instances = try await client.allInstances().map(\.name)
            if let id = evaluator.currentInstance?.id {
                names.schemas = try await client.allSchemas(instance: id).map(\.name)
                names.accounts = try await client.allAccounts(instance: id).map(\.name)
            }
            return names
        }
        let terminal = isatty(0) == 1 && isatty(1) == 1
        let reader: LineReader = terminal
            ? EditLineReader(program: "ddmsh", historyFile: DataPaths.historyFile, completion: completer)
            : PlainLineReader()
        let state = State(renderer: renderer, evaluator: evaluator, reader: reader, completer: completer, compilerOptions: compilerOptions)
        if terminal {
            await renderer.message("ddmsh on \(session.label)\(session.localService.map { " (\($0.url))" } ?? ""); \\help for help, \\q to quit")
        }
        var failed = false
        var buffer = ""
        loop: while true {
            let prompt = terminal ? (buffer.isEmpty ? "ddm(\(session.label)\(evaluator.currentInstanceName.map { ":" + $0 } ?? ""))> " : "    -> ") : ""
            switch reader.readLine(prompt: prompt) {
            case .endOfInput:
                if terminal { print("") }
                break loop
            case .interrupted:
                buffer = ""
                continue
            case .line(let line):
                if buffer.isEmpty, line.trimmingCharacters(in: .whitespaces).hasPrefix("\\") {
                    reader.addHistory(line)
                    switch await MetaCommands.handle(line.trimmingCharacters(in: .whitespaces), state: state) {
                    case .quit: break loop
                    case .continue: continue
                    case .run(let text): failed = await execute(text, state: state) || failed
                    }
                    continue
                }
                buffer += (buffer.isEmpty ? "" : "\n") + line
                if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = ""; continue }
                if Parser.isIncomplete(buffer) { continue }
                reader.addHistory(HistoryRedaction.redact(buffer))
                failed = await execute(buffer, state: state) || failed
                buffer = ""
            }
        }
        reader.saveHistory()
        await session.close()
        return failed && !terminal ? ScriptRunner.exitFailed : ScriptRunner.exitOK
    }

    /// Compiles and runs one complete input; returns whether it failed.
    private func execute(_ text: String, state: State) async -> Bool {
        let runner = ScriptRunner(renderer: renderer, color: renderer.color)
        var opts = state.compilerOptions
        opts.instanceSelected = opts.instanceSelected || state.evaluator.currentInstanceName != nil
        let output = Compiler.compile(SourceFile(name: "<input>", text: text), options: opts)
        runner.printDiagnostics(output.diagnostics, sources: output.sources)
        if output.hasErrors { return true }
        state.compilerOptions.variables = output.variables
        state.compilerOptions.instanceSelected = output.instanceSelected
        let started = ContinuousClock.now
        let evaluator = state.evaluator
        runner.printFailuresAsTheyHappen(evaluator, sources: output.sources)
        let report = await Interrupts.cancellingOnSIGINT { await evaluator.run(output.plan) }
        if report.interrupted {
            renderer.error("interrupted" + (report.applied.isEmpty ? "; nothing was applied" :
                "; already applied:\n" + report.applied.map { "  " + $0 }.joined(separator: "\n")))
        }
        if !output.plan.steps.isEmpty { state.completer.refreshIfStale() }
        if state.timing {
            let ms = Double((ContinuousClock.now - started).components.attoseconds) / 1e15
                + Double((ContinuousClock.now - started).components.seconds) * 1000
            await renderer.message(String(format: "Time: %.1f ms", ms))
        }
        return !report.failures.isEmpty || report.interrupted
    }
}
