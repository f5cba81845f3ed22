import DDMKit
import DDMLanguage
import Foundation
import LineEditor

/// The interactive loop: read (libedit on a terminal), parse until complete, then hand each
/// complete input to the same `Runner` scripts use; meta-commands start with a backslash.
struct REPL {
    let renderer: Renderer
    let session: Session
    let evaluator: Evaluator
    var compilerOptions: Compiler.Options

    /// What meta-commands may read and change.
    final class State {
        let renderer: Renderer
        let evaluator: Evaluator
        let reader: LineReader
        let completer: Completer
        var compilerOptions: Compiler.Options
        var timing = false
        /// The connection, for `\\conninfo`.
        let session: Session
        init(renderer: Renderer, evaluator: Evaluator, reader: LineReader, completer: Completer, compilerOptions: Compiler.Options,
             session: Session) {
            self.renderer = renderer; self.evaluator = evaluator; self.reader = reader
            self.completer = completer; self.compilerOptions = compilerOptions
            self.session = session
        }
    }

    func run() async -> Int32 {
        let client = session.client
        let completer = Completer { [evaluator] held in
            var names = Completer.Names()
            names.instances = try await client.allInstances().map(\.name)
            if let id = await evaluator.currentInstance?.id {
                names.schemas = try await client.allSchemas(instance: id).map(\.name)
                names.accounts = try await client.allAccounts(instance: id).map(\.name)
                // The admin names are a nicety: a service without those calls still completes the rest.
                names.nodes = (try? await client.listNodes(instance: id, limit: 128).nodes.compactMap(\.nodeId)) ?? []
                names.parameters = (try? await client.allParameters(instance: id).map(\.name)) ?? []
                names.groups = (try? await client.allGroups(instance: id).compactMap(\.name)) ?? []
            }
            // The data nodes, templates and flavors change seldom: fetched once a session.
            names.rds = held.rds.isEmpty ? (try? await client.allAvailableRDS(instance: evaluator.currentInstance?.id ?? "").compactMap(\.name)) ?? [] : held.rds
            names.templates = held.templates.isEmpty ? (try? await client.allParameterTemplates().map(\.name)) ?? [] : held.templates
            names.flavors = held.flavors
            if names.flavors.isEmpty, let engine = try? await client.listEngines(limit: 128).engineGroups.first {
                names.flavors = (try? await client.listFlavors(engineId: engine.id, limit: 128).computeFlavorGroups
                    .flatMap(\.computeFlavors).compactMap(\.code)) ?? []
            }
            return names
        }
        let terminal = isatty(0) == 1 && isatty(1) == 1
        let reader: LineReader = terminal
            ? EditLineReader(program: "ddmsh", historyFile: DataPaths.historyFile, completion: completer)
            : PlainLineReader()
        let state = State(renderer: renderer, evaluator: evaluator, reader: reader, completer: completer, compilerOptions: compilerOptions,
                          session: session)
        // Between statements a Ctrl-C that misses the prompt (during a completion refresh, say)
        // is dropped, as at the prompt; SIGTERM and a closed stdout still end the session.
        Interruption.setIdleAction { sig in if sig != SIGINT { exit(128 + sig) } }
        if terminal {
            // Disruptive statements ask first at a terminal; piped input runs like a script.
            let asker = Asker(reader: reader)
            await evaluator.setOptions { $0.confirm = { question in asker.ask(question) } }
        }
        if terminal {
            // Names for Tab are fetched now, in the background: the first Tab of a session found
            // none (it only started the fetch), and a Tab press never waits on the network.
            completer.refreshIfStale()
            await renderer.message("ddmsh on \(session.label)\(session.localService.map { " (\($0.url))" } ?? ""); \\help for help, \\q to quit")
        }
        var failed = false
        var buffer = ""
        loop: while true {
            let instance = await evaluator.currentInstanceName
            let prompt = terminal ? (buffer.isEmpty ? "ddm(\(session.label)\(instance.map { ":" + $0 } ?? ""))> " : "    -> ") : ""
            completer.continuing(buffer)
            switch reader.readLine(prompt: prompt) {
            case .endOfInput:
                if terminal { StandardStreams.out("\n") }
                break loop
            case .interrupted:
                buffer = ""
                continue
            case .line(let line):
                if buffer.isEmpty, line.trimmingCharacters(in: .whitespaces).hasPrefix("\\") {
                    if let kept = HistoryRedaction.redactMeta(line) { reader.addHistory(kept) }
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
        return failed && !terminal ? Runner.exitFailed : Runner.exitOK
    }

    /// Compiles and runs one complete input; returns whether it failed.
    private func execute(_ text: String, state: State) async -> Bool {
        let runner = Runner(renderer: renderer, color: renderer.color)
        var opts = state.compilerOptions
        let instanceBefore = await state.evaluator.currentInstance?.id
        let selected = instanceBefore != nil
        opts.instanceSelected = opts.instanceSelected || selected
        let started = ContinuousClock.now
        let outcome = await runner.run(SourceFile(name: "<input>", text: text), options: opts) { state.evaluator }
        if let variables = outcome.variables { state.compilerOptions.variables = variables }
        if let selected = outcome.instanceSelected { state.compilerOptions.instanceSelected = selected }
        // After a write or a change of instance the names held are another instance's or out of
        // date: fetched again now (one round of list calls), not when they turn 30 s old.
        let instanceChanged = await state.evaluator.currentInstance?.id != instanceBefore
        if outcome.ranStatements { state.completer.refreshIfStale(force: outcome.wrote || instanceChanged) }
        if state.timing {
            let elapsed = ContinuousClock.now - started
            let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
            await renderer.message(String(format: "Time: %.1f ms", ms))
        }
        return outcome.exitCode != Runner.exitOK
    }
}

/// The REPL's yes/no question before a disruptive statement: only "y" or "yes" goes ahead.
final class Asker: @unchecked Sendable {
    private let reader: LineReader
    init(reader: LineReader) { self.reader = reader }

    func ask(_ question: String) -> Bool {
        guard case .line(let answer) = reader.readLine(prompt: question + " [y/N] ") else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
