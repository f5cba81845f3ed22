import DDMLanguage
import Foundation

/// Reads a secret from the terminal with echo off.
enum SecretPrompt {
    static func read(_ prompt: String) throws -> String {
        guard isatty(0) == 1 else { throw EvaluationError("cannot prompt: stdin is not a terminal") }
        StandardStreams.err(prompt)
        var old = termios()
        tcgetattr(0, &old)
        var quiet = old
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSANOW, &quiet)
        defer {
            tcsetattr(0, TCSANOW, &old)
            StandardStreams.err("\n")
        }
        guard let line = Swift.readLine(strippingNewline: true) else { throw EvaluationError("no secret was entered") }
        return line
    }
}
