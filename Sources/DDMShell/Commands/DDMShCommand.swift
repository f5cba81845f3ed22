import ArgumentParser
import DDMKit
import DDMLanguage
import Foundation

/// `ddmsh`: the REPL, or a script, a `-c` string, or statements on stdin.
struct DDMShCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddmsh",
        abstract: "A shell for Huawei Cloud DDM: instances, schemas, accounts and grants.",
        discussion: """
            Exit codes: 0 all succeeded; 1 a statement or some batch items failed; 2 usage or syntax error, nothing ran; \
            3 drift (--dry-run --detailed-exitcode); 130 interrupted (SIGINT); 141 stdout closed by its reader; 143 terminated (SIGTERM).

            Subcommands: ddmsh serve (the local DDM service), ddmsh undo (take back a run), ddmsh apply (a saved plan); \
            ddmsh help [subcommand | topic].
            """,
        version: DDMShCommand.versionText,
        subcommands: [ServeCommand.self, UndoCommand.self, ApplyCommand.self])

    /// `ddmsh --version`: ddmsh's version and the SDK release its wire was checked against
    /// (the conformance test's spec, Tests/SDKSpec).
    static let versionText = "ddmsh \(DDMClient.version) (DDM wire checked against huaweicloudsdkddm \(DDMClient.checkedSDK))"

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "A .ddm script to run.") var script: String?
    @Option(name: .customShort("f"), help: "A .ddm script to run.") var file: String?
    @Option(name: .customShort("c"), help: "Statements to run.") var command: String?
    @Option(name: .customShort("v"), parsing: .singleValue, help: "A script variable: -v name=value.") var variables: [String] = []
    @Option(help: "Output format: table, json or csv.") var output: OutputFormat = .table
    @Option(name: .customLong("on-error"), help: "stop (default) or continue after a failed statement.") var onError: String = "stop"
    @Flag(name: .customLong("dry-run"), help: "Print the plan and the changes; make no writes.") var dryRun = false
    @Flag(name: .customLong("detailed-exitcode"),
          help: "With --dry-run: exit 3 when the script would change something (drift), 0 when in sync.") var detailedExitCode = false
    @Option(name: .customLong("plan-out"), help: ArgumentHelp("With --dry-run: save the writes it would make, and the state they were computed from, for 'ddmsh apply <file>'.",
                                                           valueName: "file")) var planOut: String?
    @Flag(help: "Parse and compile only; no API calls.") var check = false
    @Option(help: ArgumentHelp("Run the script on these instances, as a fleet: a pattern (% and _ as in SQL) or a comma-separated list.",
                               valueName: "pattern")) var instances: String?
    @Option(help: "With --instances: targets run at once (default 4).") var concurrency: Int?
    @Option(name: .customLong("max-failures"), help: ArgumentHelp("With --instances: failed targets tolerated before no more start (a number or a percentage; default: no limit).", valueName: "n|p%")) var maxFailures: String?
    @Option(help: "With --instances: targets run first and alone.") var canary: Int?
    @Flag(name: .customLong("retry-failed"), help: "Fleets run only the targets that did not succeed the last time.") var retryFailed = false

    func validate() throws {
        guard ["stop", "continue"].contains(onError) else { throw ValidationError("--on-error takes stop or continue") }
        if [script, file, command].compactMap({ $0 }).count > 1 { throw ValidationError("give one of: a script, -f FILE, -c STATEMENTS") }
        for v in variables where !v.contains("=") || v.hasPrefix("=") { throw ValidationError("-v takes name=value, got '\(v)'") }
        if instances == nil, concurrency != nil || maxFailures != nil || canary != nil {
            throw ValidationError("--concurrency, --max-failures and --canary go with --instances")
        }
        if instances != nil, script == nil, file == nil, command == nil {
            throw ValidationError("--instances runs a script: give one, -f FILE or -c STATEMENTS")
        }
        if planOut != nil, !dryRun { throw ValidationError("--plan-out goes with --dry-run (the plan is what the dry run would do)") }
        if planOut != nil, instances != nil { throw ValidationError("--plan-out saves the plan of one instance; it does not go with --instances") }
        if let n = concurrency, n < 1 { throw ValidationError("--concurrency is at least 1") }
        if let n = canary, n < 1 { throw ValidationError("--canary is at least 1") }
        if let instances { _ = try Self.fleet(instances, concurrency: concurrency, maxFailures: maxFailures, canary: canary) }
    }

    static func fleet(_ instances: String, concurrency: Int?, maxFailures: String?, canary: Int?) throws -> FleetSpec {
        do { return try FleetSpec(instances: instances, concurrency: concurrency, maxFailures: maxFailures, canary: canary) } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        let code = await Shell(options: self).run()
        if code != 0 { throw ExitCode(code) }
    }
}
