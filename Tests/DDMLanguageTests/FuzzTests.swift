import Foundation
import Testing
@testable import DDMLanguage

/// Property tests for the front end (libFuzzer's -sanitize=fuzzer is not used: see
/// docs/performance.md). Random bytes, invalid UTF-8, mutations of valid scripts, deep nesting and
/// huge tokens: the lexer, parser and compiler never crash or hang, and every diagnostic has a
/// valid position. `DDMSH_FUZZ_ITERATIONS` sets the count (default 100,000).
@Suite struct FuzzTests {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["DDMSH_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 100_000
    }

    /// A small, fast, seeded generator so failures can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let corpus = [
        "grant SELECT, INSERT on db_7350 to ddmtest;",
        "revoke all on orders from app;",
        "let team = (alice, bob); for u in $team { grant SELECT on orders to $u; }",
        "create user app if not exists password 'Pw_1234567!' with SELECT, fulltableSelect on orders comment 'it''s';",
        "create schema orders shards 8 mode cluster on rds rds-orders admin user root password env PW;",
        "create instance ddm-x with flavor=ddm.c6.large.2, nodes=2, vpc=v, subnet=s, security_group=g, az=[a, b] wait;",
        "explain revoke INSERT on orders from app; set on_error continue; show grants for \"App\";",
        "# comment\n-- comment\nuse instance ddm-demo; show users; drop user x if exists;",
        "let xs = lines('team.txt'); source 'other.ddm'; help grant;",
    ]

    static let fragments = [";", "{", "}", "(", ")", "[", "]", ",", "'", "\"", "$", "=", "--", "#", "\n", " ",
                            "grant", "revoke", "for", "in", "on", "to", "from", "password", "explain", "let", "x",
                            "\u{0}", "\u{FFFD}", "é", "🚀", "123456789012345678901234567890"]

    func check(_ text: String) {
        let source = SourceFile(name: "fuzz.ddm", text: text)
        var options = Compiler.Options()
        options.instanceSelected = true
        options.readFile = { _ in throw EvaluationError("no files while fuzzing") }
        let output = Compiler.compile(source, options: options)
        let length = source.bytes.count
        for d in output.diagnostics where d.file == "fuzz.ddm" {
            #expect(d.range.start >= 0 && d.range.start <= d.range.end && d.range.end <= length,
                    "bad range \(d.range) for \(text.debugDescription)")
            #expect(!d.message.isEmpty)
        }
        _ = Parser.isIncomplete(text)
        for d in output.diagnostics.prefix(3) where d.file == "fuzz.ddm" { _ = DiagnosticFormatter(color: false).format(d, in: source) }
    }

    @Test func randomBytesAndInvalidUTF8() {
        var rng = SplitMix(state: 1)
        for _ in 0..<(Self.iterations / 4) {
            let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            check(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func mutationsOfValidScripts() {
        var rng = SplitMix(state: 2)
        for _ in 0..<(Self.iterations / 2) {
            var chars = Array(Self.corpus.randomElement(using: &rng)!)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0...chars.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: chars.insert(contentsOf: Self.fragments.randomElement(using: &rng)!, at: at)
                case 1: if at < chars.count { chars.remove(at: at) }
                default: if at < chars.count { chars[at] = Self.fragments.randomElement(using: &rng)!.first ?? " " }
                }
            }
            check(String(chars))
        }
    }

    @Test func randomTokenSoup() {
        var rng = SplitMix(state: 3)
        for _ in 0..<(Self.iterations / 4) {
            let n = Int.random(in: 0...30, using: &rng)
            check((0..<n).map { _ in Self.fragments.randomElement(using: &rng)! }.joined(separator: " "))
        }
    }

    @Test func deepNestingAndHugeTokens() {
        for depth in [10, 64, 65, 1_000, 100_000] {
            check("let x = " + String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth) + ";")
            check(String(repeating: "for x in (a) { ", count: min(depth, 5_000)) + String(repeating: "}", count: min(depth, 5_000)))
            check(String(repeating: "[", count: depth))
        }
        check("grant SELECT on " + String(repeating: "a", count: 1_000_000) + " to b;")
        check("'" + String(repeating: "x", count: 1_000_000))
        check("let x = " + String(repeating: "9", count: 100_000) + ";")
        check("show users;" + String(repeating: ";", count: 200_000))
        check("grant SELECT on orders to " + (0..<20_000).map { "u\($0)" }.joined(separator: ", ") + ";")
    }
}
