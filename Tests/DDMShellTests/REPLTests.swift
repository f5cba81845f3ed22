import Foundation
import Testing

/// The REPL as a person uses it: the built binary in a real pseudo-terminal
/// (tmux), keys sent with `send-keys`, the screen read with `capture-pane`.
@Suite(.serialized) struct REPLTests {
    /// One tmux server per test, on its own socket, so tests never see each other.
    final class Terminal {
        let socket: String
        let home: String
        let state: String

        init() throws {
            home = try Binary.temporaryHome()
            socket = home + "/tmux.sock"
            state = home + "/state.sqlite"
        }

        static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

        @discardableResult
        func tmux(_ args: [String]) throws -> String {
            // posix_spawn + waitpid rather than Process: the tmux server forks off the client and
            // Foundation's child monitoring was seen to miss the client's exit.
            let outPath = home + "/tmux-out-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: outPath) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let argv = ["/usr/bin/tmux", "-S", socket] + args
            let envp = ["PATH=/usr/bin:/bin", "HOME=\(home)", "TERM=xterm"]
            var cArgs = argv.map { strdup($0) } + [nil]
            var cEnv = envp.map { strdup($0) } + [nil]
            defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, &cArgs, &cEnv) == 0 else {
                throw TerminalError(message: "cannot start tmux")
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            guard status == 0 else { throw TerminalError(message: "tmux \(args.first ?? "") failed (\(status))") }
            return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        }

        /// Starts ddmsh in a new tmux session on the local service with this terminal's state file.
        func start(_ extra: [String] = []) throws {
            let env = ["HOME=\(home)", "XDG_CONFIG_HOME=\(home)/.config", "XDG_DATA_HOME=\(home)/.local/share",
                       "NO_COLOR=1", "TERM=xterm", "LANG=C.UTF-8", "RDS_PW=Rds_Admin_1!"]
            let command = ["env"] + env + [Binary.path, "--local", "--state", state, "--local-create-delay", "0"] + extra
            try tmux(["new-session", "-d", "-s", "t", "-x", "160", "-y", "50", command.map(Self.quote).joined(separator: " ")])
            try waitFor("ddm(local:ddm-demo)>")
        }

        static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

        /// Literal text (tmux -l: no key-name lookup, so ';' and quotes are safe).
        func type(_ text: String) throws {
            // tmux reads an argument's trailing ';' as a command separator unless escaped.
            let escaped = text.hasSuffix(";") ? String(text.dropLast()) + "\\;" : text
            try tmux(["send-keys", "-t", "t", "-l", escaped])
        }
        func key(_ name: String) throws { try tmux(["send-keys", "-t", "t", name]) }
        func line(_ text: String) throws { try type(text); try key("Enter") }

        var screen: String { (try? tmux(["capture-pane", "-p", "-t", "t", "-S", "-200"])) ?? "" }

        /// Polls the screen until `text` shows up (the REPL runs at its own pace).
        func waitFor(_ text: String, occurrences: Int = 1, timeout: TimeInterval = 20) throws {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if screen.components(separatedBy: text).count - 1 >= occurrences { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
            throw TerminalError(message: "timed out waiting for «\(text)»; screen:\n\(screen)")
        }

        /// The line the cursor is on, after the prompt.
        var currentLine: String {
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        }

        func quit() throws {
            try line("\\q")
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, (try? tmux(["has-session", "-t", "t"])) != nil {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }

        deinit {
            _ = try? tmux(["kill-server"])
            try? FileManager.default.removeItem(atPath: home)
        }
    }

    struct TerminalError: Error { var message: String }

    /// Waits until `text` is what the cursor line ends with (tmux drops trailing blanks).
    func expectLine(_ t: Terminal, endsWith raw: String) throws {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if t.currentLine.hasSuffix(text) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("cursor line is «\(t.currentLine)», expected it to end with «\(text)»")
    }

    @Test(.enabled(if: Terminal.available)) func typingAndTabCompletionOfKeywordsAndLiveAccounts() throws {
        let t = try Terminal()
        try t.start()
        try t.line("create user reporting_app password 'App_pass_12!';")
        try t.waitFor("created user reporting_app")
        // A keyword: "sho" + Tab.
        try t.type("sho")
        try t.key("Tab")
        try expectLine(t, endsWith: "ddm(local:ddm-demo)> show ")
        try t.type("gra")
        try t.key("Tab")
        try expectLine(t, endsWith: "show grants ")
        try t.type("f")
        try t.key("Tab")
        // A live account name, from the background-refreshed cache.
        try t.type("rep")
        try t.key("Tab")
        try expectLine(t, endsWith: "show grants for reporting_app ")
        try t.type(";")
        try t.key("Enter")
        try t.waitFor("reporting_app  SELECT")
        try t.quit()
    }

    @Test(.enabled(if: Terminal.available)) func multiLineStatementUsesTheContinuationPrompt() throws {
        let t = try Terminal()
        try t.start()
        try t.line("create schema orders shards 2 on rds rds-orders admin user root password env RDS_PW;")
        try t.waitFor("creating schema orders")
        try t.line("create user app password 'App_pass_12!';")
        try t.waitFor("created user app")
        try t.line("grant SELECT, INSERT")
        try t.waitFor("    ->")
        try t.line("  on orders")
        try t.waitFor("    ->", occurrences: 2)
        try t.line("  to app;")
        try t.waitFor("batch: 1 changed, 0 unchanged, 0 failed")
        try t.quit()
    }

    @Test(.enabled(if: Terminal.available)) func undoTakesBackTheLastInputThatWroteAfterConfirmation() throws {
        let t = try Terminal()
        try t.start()
        try t.line("create user app password 'App_pass_12!' comment 'first';")
        try t.waitFor("created user app")
        try t.line("alter user app comment 'second';")
        try t.waitFor("comment of app updated")
        try t.line("\\undo")
        try t.waitFor("apply this undo? [y/N]")
        #expect(t.screen.contains("grant exactly SELECT to app comment 'first';"))
        try t.line("y")
        try t.waitFor("batch: 1 changed")
        try t.line("show users;")
        // The batch printed a "(1 row)" already: wait for the second, show's.
        try t.waitFor("(1 row)", occurrences: 2)
        #expect(t.screen.contains("app   SELECT      (none)   first"))
        try t.quit()
    }

    /// A disruptive statement asks first at a terminal; only "y" goes ahead.
    @Test(.enabled(if: Terminal.available)) func killingAProcessAsksFirst() throws {
        let t = try Terminal()
        try t.start()
        try t.line("kill process 1003;")
        try t.waitFor("kill process 1003? [y/N]")
        try t.line("n")
        try t.waitFor("not done")
        try t.line("show processes;")
        try t.waitFor("(4 rows)")
        try t.line("kill process 1003;")
        try t.waitFor("kill process 1003? [y/N]", occurrences: 2)
        try t.line("y")
        try t.waitFor("killed process 1003")
        try t.quit()
    }

    /// Every statement that cannot be taken back asks at a terminal; "no" leaves the service as it was.
    @Test(.enabled(if: Terminal.available)) func destructiveStatementsAskFirst() throws {
        let t = try Terminal()
        try t.start()
        try t.line("create user doomed password 'App_pass_12!';")
        try t.waitFor("created user doomed")
        try t.line("drop user doomed;")
        try t.waitFor("drop user doomed? undo can recreate it, but not its password [y/N]")
        try t.line("n")
        try t.waitFor("not done")
        try t.line("show users;")
        try t.waitFor("(1 row)")
        try t.line("restart instance ddm-demo;")
        try t.waitFor("restart instance ddm-demo? [y/N]")
        try t.line("")
        try t.waitFor("not done", occurrences: 2)
        try t.line("drop instance ddm-demo;")
        try t.waitFor("drop instance ddm-demo with its schemas and accounts? undo cannot bring it back [y/N]")
        try t.line("n")
        try t.waitFor("not done", occurrences: 3)
        try t.line("show instances;")
        try t.waitFor("RUNNING")
        try t.line("drop user doomed;")
        try t.waitFor("[y/N]", occurrences: 4)
        try t.line("y")
        try t.waitFor("dropped user doomed")
        try t.quit()
    }

    @Test(.enabled(if: Terminal.available)) func tabCompletesParameterAndFlavorNames() throws {
        let t = try Terminal()
        try t.start()
        try t.line("show nodes;")   // selects the instance, so its names are fetched
        try t.waitFor("(2 rows)")
        try t.line("\\refresh")
        try t.waitFor("refreshing completion names")
        // The refresh runs in the background: retry the Tab until the names have arrived.
        let deadline = Date().addingTimeInterval(10)
        try t.type("set parameter max_con")
        repeat {
            try t.key("Tab")
            Thread.sleep(forTimeInterval: 0.2)
        } while !t.currentLine.hasSuffix("max_connections") && Date() < deadline
        try expectLine(t, endsWith: "set parameter max_connections ")
        try t.type("= 30000;")
        try t.key("Enter")
        try t.waitFor("set max_connections = 30000 (was 20000) on ddm-demo")
        try t.type("alter instance ddm-demo set flavor ddm.c6.x")
        try t.key("Tab")
        try expectLine(t, endsWith: "set flavor ddm.c6.xlarge.2 ")
        try t.key("C-c")
        try t.quit()
    }

    /// Ctrl-C during `… wait` stops the waiting, says the job goes on, and the operation stands.
    @Test(.enabled(if: Terminal.available)) func ctrlCStopsAWaitNotTheOperation() throws {
        let t = try Terminal()
        try t.start(["--local-create-delay", "120s"])
        try t.line("alter instance ddm-demo add nodes 1 wait;")
        try t.waitFor("waiting for ddm-demo: GROWING")
        try t.key("C-c")
        try t.waitFor("stopped waiting for ddm-demo; job ")
        #expect(t.screen.contains("already applied:") && t.screen.contains("added 1 node to ddm-demo (job "))
        try t.line("show nodes;")
        try t.waitFor("(3 rows)")
        // Not only the first statement of a session: a later wait stops the same way.
        try t.line("wait instance ddm-demo;")
        try t.waitFor("instance ddm-demo;\nwaiting for ddm-demo: GROWING")
        try t.key("C-c")
        try t.waitFor("stopped waiting for ddm-demo", occurrences: 2)
        try t.line("show instances;")
        try t.waitFor("(1 row)")
        #expect(t.screen.contains("GROWING"), "the operation goes on: \(t.screen)")
        try t.quit()
    }

    @Test(.enabled(if: Terminal.available)) func historyIsRecalledAfterARestartAndHoldsNoSecret() throws {
        let t = try Terminal()
        try t.start()
        try t.line("create user bob password 'Hidden_pass_99!';")
        try t.waitFor("created user bob")
        // A typo: the lexer cannot know the literal is a secret, the history still must not keep it.
        try t.line("create user eve passwrd 'Typo_secret_77!';")
        try t.waitFor("error:")
        try t.line("\\set pw 'Meta_secret_55!'")
        try t.line("show users;")
        try t.waitFor("(1 row)")
        // The terminal echoes what was typed; the diagnostic's excerpt must not repeat it.
        #expect(t.screen.contains("| create user eve passwrd '***************';"), "\(t.screen)")
        try t.quit()
        _ = try? t.tmux(["kill-server"])

        let history = t.home + "/.local/share/ddmsh/history"
        let attributes = try FileManager.default.attributesOfItem(atPath: history)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // libedit stores entries vis(3)-encoded: a space is \040.
        let saved = try String(contentsOfFile: history, encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
        #expect(!saved.contains("Hidden_pass_99!"))
        #expect(!saved.contains("Typo_secret_77!") && !saved.contains("Meta_secret_55!"), "\(saved)")
        #expect(saved.contains("show users;"))

        try t.start()
        try t.key("Up")
        try expectLine(t, endsWith: "ddm(local:ddm-demo)> \\q")
        try t.key("Up")
        try expectLine(t, endsWith: "ddm(local:ddm-demo)> show users;")
        try t.key("Up")
        try expectLine(t, endsWith: "ddm(local:ddm-demo)> \\set pw")
        try t.key("Up")
        try expectLine(t, endsWith: "ddm(local:ddm-demo)> create user eve passwrd prompt;")
        try t.key("Up")
        try expectLine(t, endsWith: "ddm(local:ddm-demo)> create user bob password prompt;")
        try t.key("C-c")
        try t.quit()
    }

    /// Ctrl-C stops a batch at every statement of a session, not only the first, and the count it
    /// reports is what the service holds (a write in flight is read back, not guessed).
    @Test(.enabled(if: Terminal.available)) func ctrlCCancelsEverySlowBatchAndReportsWhatTheServiceHolds() throws {
        let t = try Terminal()
        // Set up 24 accounts quickly, then reopen the same state with a slow service.
        let names = (1...24).map { "u\($0)" }.joined(separator: ", ")
        let setup = try Binary.run(["--local", "--state", t.state, "--local-create-delay", "0", "--rate-limit", "0", "-c", """
            create schema orders shards 2 on rds rds-orders admin user root password env RDS_PW;
            for u in (\(names)) { create user $u password 'App_pass_12!'; }
            """], environment: ["RDS_PW": "Rds_Admin_1!"])
        #expect(setup.status == 0, "\(setup.stderr)")
        try t.start(["--local-latency", "700ms", "--rate-limit", "0"])
        var reported: [String: Int] = [:]
        for (round, privilege) in ["INSERT", "UPDATE", "DELETE"].enumerated() {
            try t.line("grant \(privilege) on orders to \(names);")
            try t.waitFor("batch: ", occurrences: round + 1, timeout: 30)
            try t.key("C-c")
            try t.waitFor("interrupted:", occurrences: round + 1, timeout: 30)
            let screen = t.screen
            let pattern = /interrupted: ([0-9]+) of 24 changes were applied/
            let counts = screen.matches(of: pattern).map { Int($0.output.1)! }
            #expect(counts.count == round + 1, "round \(round + 1) reported no count:\n\(screen)")
            reported[privilege] = counts.last ?? -1
            try t.waitFor("ddm(local:ddm-demo)>", occurrences: round + 2)
        }
        // Still in the shell: the prompt is back and answers.
        try t.line("\\timing on")
        try t.line("show grants for u1;")
        try t.waitFor("Time:")
        try t.quit()
        let users = try Binary.run(["--local", "--state", t.state, "--output", "csv", "-c", "show users"])
        for (privilege, count) in reported {
            let held = users.stdout.split(separator: "\r\n").filter { $0.contains(privilege) }.count
            // A write cancelled while the service still works on it (700 ms of latency here) can
            // land after the read-back that settles it: seen once in 10 suite runs under load, one
            // more held than reported. The report may lag the service by that write, never lead it.
            #expect(held >= count && held <= count + 1, "\(privilege): reported \(count), the service holds \(held)")
            #expect(count < 24, "\(privilege): the batch was not interrupted")
        }
    }

    @Test(.enabled(if: Terminal.available)) func ctrlCAbandonsTheLineBeingTyped() throws {
        let t = try Terminal()
        try t.start()
        try t.type("drop user half_typed")
        // Each key only once the REPL has shown the last one's effect: the line, then a fresh prompt.
        try t.waitFor("half_typed")
        try t.key("C-c")
        try t.waitFor("ddm(local:ddm-demo)>", occurrences: 2)
        try t.line("show users;")
        try t.waitFor("(0 rows)")
        #expect(!t.screen.contains("half_typedshow"))
        try t.quit()
    }

    @Test(.enabled(if: Terminal.available)) func ctrlDOnAnEmptyLineExits() throws {
        let t = try Terminal()
        try t.start()
        try t.key("C-d")
        let deadline = Date().addingTimeInterval(10)
        var gone = false
        while Date() < deadline {
            if (try? t.tmux(["list-sessions"]))?.isEmpty ?? true { gone = true; break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(gone)
    }
}
