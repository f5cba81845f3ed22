import ArgumentParser
import DDMLanguage
import Foundation

/// Entry point used by the `ddmsh` executable: finds the subcommand wherever it stands among the
/// global options, and maps every outcome to the documented exit codes.
public enum DDMShellMain {
    public static func main(_ arguments: [String]) async -> Int32 {
        // A closed stdout is EPIPE on the write (handled there), not a signal that kills mid-write.
        signal(SIGPIPE, SIG_IGN)
        let arguments = route(arguments)
        if arguments.first == "help" { return help(Array(arguments.dropFirst())) }
        // The root takes a script path as its positional argument, which ArgumentParser would
        // match before a subcommand's name: the subcommand is parsed on its own.
        let named = arguments.first.flatMap { subcommands[$0] }
        let sub: ParsableCommand.Type = named ?? DDMShCommand.self
        let rest = named == nil ? arguments : Array(arguments.dropFirst())
        do {
            var command = try sub.parseAsRoot(rest)
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            return 0
        } catch let f as ShellFailure {
            StandardStreams.err("ddmsh: \(f.message)\n")
            return f.exitCode
        } catch {
            let code = sub.exitCode(for: error)
            var message = sub.fullMessage(for: error)
            if sub != DDMShCommand.self {
                // Parsed as a root of its own, the subcommand would call itself "undo" in its usage.
                let name = sub._commandName
                message = message.replacingOccurrences(of: "Usage: \(name) ", with: "Usage: ddmsh \(name) ")
                    .replacingOccurrences(of: "'\(name) --help'", with: "'ddmsh \(name) --help'")
                    .replacingOccurrences(of: "USAGE: \(name) ", with: "USAGE: ddmsh \(name) ")
            }
            if code == .success {
                if !message.isEmpty { StandardStreams.out(message + "\n") }
                return 0
            }
            if let exit = error as? ExitCode { return exit.rawValue }
            if !message.isEmpty { StandardStreams.err(message + "\n") }
            // Usage errors are 2, as documented (ArgumentParser's own default is 64).
            return code == .validationFailure ? Runner.exitUsage : code.rawValue
        }
    }

    /// The subcommands by name; `help` is answered here, with no command of its own.
    static let subcommands: [String: ParsableCommand.Type] = ["serve": ServeCommand.self, "undo": UndoCommand.self, "apply": ApplyCommand.self]

    /// The arguments with the subcommand first, as ArgumentParser reads them, when one is given
    /// anywhere (`ddmsh --instance x undo --yes`, `ddmsh --local serve --port 0`): a word that is
    /// a subcommand's name is taken as the subcommand when the arguments parse that way, and as
    /// what it is otherwise (`ddmsh -c undo`, `--instance serve`).
    static func route(_ arguments: [String]) -> [String] {
        for (i, word) in arguments.enumerated() where word == "help" || subcommands[word] != nil {
            if i > 0, arguments[i - 1] == "--" { break }
            let moved = [word] + arguments[..<i] + arguments[(i + 1)...]
            if i == 0 { return moved }
            if word == "help" {
                // `ddmsh --local help`: help, unless the word is an option's value (`-c help`).
                guard let root = (try? DDMShCommand.parseAsRoot(arguments)) as? DDMShCommand, root.script != "help" else { return moved }
                continue
            }
            if let sub = subcommands[word], (try? sub.parseAsRoot(Array(moved.dropFirst()))) != nil { return moved }
        }
        return arguments
    }

    /// `ddmsh help [subcommand | topic]`: prints help and does nothing else.
    static func help(_ arguments: [String]) -> Int32 {
        // Global options given with it (`ddmsh --local help`) change nothing about help.
        let words = arguments.filter { !$0.hasPrefix("-") }
        guard let word = words.first else {
            StandardStreams.out(DDMShCommand.helpMessage(columns: columns) + "\n")
            return 0
        }
        if let sub = subcommands[word] {
            StandardStreams.out(DDMShCommand.helpMessage(for: sub, columns: columns) + "\n")
        } else {
            // A statement topic, as `help grant;` in the language.
            let text = Help.text(words.joined(separator: " "))
            StandardStreams.out(text + (text.hasSuffix("\n") ? "" : "\n"))
        }
        return 0
    }

    /// The terminal's width for help text, so it wraps at the edge instead of raggedly.
    static var columns: Int? {
        var size = winsize()
        guard isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
