import Foundation
import Testing

/// Each `Golden/*.ddm` runs through the real `ddmsh` script runner against a
/// fresh in-memory local service; its stdout and stderr, interleaved, must equal
/// `Golden/*.out`. `DDMSH_RECORD=1 swift test --filter GoldenTests` re-records.
///
/// Each script also runs against a local service serving only v1/v2 (`--local-api v1`: the client
/// falls back) and only v3 (`--local-api v3`); where the older API answers with more fields the
/// expected output is `Golden/*.v1.out`. Scripts pinned to `--api-version v1` skip the v3-only run.
///
/// Directives in a script's leading comments:
///   `-- args: …`        extra command-line arguments (space-separated)
///   `-- env: NAME=value` an environment variable for the run
///   `-- needs: v3`      not run against the v1-only service
@Suite struct GoldenTests {
    static let directory = Binary.packageRoot.appendingPathComponent("Tests/DDMShellTests/Golden")

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".ddm") }.sorted()
    }

    /// Every script has its transcript and every transcript its script: a golden whose `.out`
    /// was lost would otherwise be recorded anew, and a stray `.out` checks nothing.
    @Test func everyScriptHasItsTranscriptAndNoTranscriptIsAlone() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        #expect(!Self.scripts.isEmpty)
        for script in Self.scripts {
            #expect(files.contains(script.replacingOccurrences(of: ".ddm", with: ".out")), "\(script) has no .out")
        }
        for out in files where out.hasSuffix(".out") {
            let base = out.replacingOccurrences(of: ".v1.out", with: ".out").replacingOccurrences(of: ".v3.out", with: ".out")
            #expect(Self.scripts.contains(base.replacingOccurrences(of: ".out", with: ".ddm")), "\(out) has no script")
        }
    }

    @Test(arguments: scripts)
    func transcript(_ name: String) throws {
        try check(name, served: nil)
    }

    @Test(arguments: scripts)
    func transcriptAgainstV1Only(_ name: String) throws {
        try check(name, served: "v1")
    }

    @Test(arguments: scripts)
    func transcriptAgainstV3Only(_ name: String) throws {
        try check(name, served: "v3")
    }

    func check(_ name: String, served: String?) throws {
        let scriptURL = Self.directory.appendingPathComponent(name)
        let text = try String(contentsOf: scriptURL, encoding: .utf8)
        var arguments: [String] = []
        var environment: [String: String] = [:]
        var needs: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("--") || line.hasPrefix("#") else { break }
            if let r = line.range(of: "-- args:") {
                arguments += line[r.upperBound...].split(separator: " ").map(String.init)
            } else if let r = line.range(of: "-- env:") {
                let pair = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
                if let eq = pair.firstIndex(of: "=") { environment[String(pair[..<eq])] = String(pair[pair.index(after: eq)...]) }
            } else if let r = line.range(of: "-- needs:") {
                needs = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
            }
        }
        // A script pinned to v1 cannot run where v1 is off; one that needs v3-only calls (instance
        // administration), where v3 is.
        let pinned = zip(arguments, arguments.dropFirst()).first { $0.0 == "--api-version" }?.1
        // Skipped pairs say so in the output (a warning, which does not fail the run) and end as cancelled.
        func skip(_ why: String) throws -> Never {
            Issue.record("skipped: \(name) \(why)", severity: .warning)
            try Test.cancel("\(name) \(why)")
        }
        if served == "v3", pinned == "v1" { try skip("is pinned to --api-version v1; this service serves v3 only") }
        if served == "v1", needs == "v3" { try skip("needs v3 calls; this service serves v1 only") }
        if served == "v3", needs == "v1" { try skip("needs v1 calls (extended privileges); this service serves v3 only") }
        arguments = ["--local", "--state", ":memory:", "--local-create-delay", "0", "--rate-limit", "0"]
            + (served.map { ["--local-api", $0] } ?? []) + arguments
        let result = try Binary.run(arguments + [name], environment: environment, directory: Self.directory.path, combine: true)
        let actual = Self.normalize(result.combined) + "[exit \(result.status)]\n"
        let base = scriptURL.deletingPathExtension()
        let variant = base.appendingPathExtension("v1.out")
        var expectedURL = base.appendingPathExtension("out")
        if served == "v1", FileManager.default.fileExists(atPath: variant.path) { expectedURL = variant }
        if ProcessInfo.processInfo.environment["DDMSH_RECORD"] == "1" {
            // The default run records `.out`; the v1-only run a `.v1.out` only where it differs
            // (run twice after a change to `.out`: the runs go in parallel).
            if served == nil { try actual.write(to: expectedURL, atomically: true, encoding: .utf8) }
            if served == "v1" {
                let main = try? String(contentsOf: base.appendingPathExtension("out"), encoding: .utf8)
                if main == actual { try? FileManager.default.removeItem(at: variant) }
                else { try actual.write(to: variant, atomically: true, encoding: .utf8) }
            }
            return
        }
        let expected = (try? String(contentsOf: expectedURL, encoding: .utf8)) ?? "(no \(expectedURL.lastPathComponent); record with DDMSH_RECORD=1)"
        #expect(actual == expected, "\(name): \(Self.firstDifference(expected, actual))")
    }

    /// Ids, times and other per-run values become placeholders of the same width.
    static func normalize(_ text: String) -> String {
        var s = text
        let rules: [(String, String)] = [
            ("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>"),
            ("[0-9a-f]{32}(in|no)[0-9]{2}", "<id>"),
            ("[0-9a-f]{32}br[0-9]{2}", "<backup-id>"),
            ("[0-9a-f]{32}gr[0-9]{2}", "<group-id>"),
            ("[0-9a-f]{32}pr[0-9]{2}", "<template-id>"),
            ("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?", "<time>"),
            ("\\b1[0-9]{12}\\b", "<epoch-ms>"),
            ("127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:<port>"),
            // DDM's request ids (a fleet's rows show them).
            ("\\b[0-9a-f]{32}\\b", "<request-id-------------------->"),
            // A fleet's seconds per target, the last cell of its rows.
            ("(?<![0-9.])[0-9]\\.[0-9](?=\n)", "#.#"),
        ]
        for (pattern, replacement) in rules {
            s = s.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return s
    }

    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(x.count, y.count) {
            let l = i < x.count ? String(x[i]) : "<end>", r = i < y.count ? String(y[i]) : "<end>"
            if l != r { return "line \(i + 1): expected «\(l)», got «\(r)»" }
        }
        return "same"
    }
}
