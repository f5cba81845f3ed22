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

            Subcommands: ddmsh serve (the local DDM service), ddmsh undo (take back a run); ddmsh help [subcommand | topic].
            """,
        version: DDMShCommand.versionText,
        subcommands: [ServeCommand.self, UndoCommand.self])

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
    @Flag(help: "Parse and compile only; no API calls.") var check = false

    func validate() throws {
        guard ["stop", "continue"].contains(onError) else { throw ValidationError("--on-error takes stop or continue") }
        if [script, file, command].compactMap({ $0 }).count > 1 { throw ValidationError("give one of: a script, -f FILE, -c STATEMENTS") }
        for v in variables where !v.contains("=") || v.hasPrefix("=") { throw ValidationError("-v takes name=value, got '\(v)'") }
    }

    func run() async throws {
        let code = await Shell(options: self).run()
        if code != 0 { throw ExitCode(code) }
    }
}
