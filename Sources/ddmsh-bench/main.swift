// ddmsh-bench: benchmarks that scripts/bench runs on a release build.
//   ddmsh-bench [latency]                    batch engine against a naive loop (DDMKit)
//   ddmsh-bench pacing DDMSH [latency [case]] ddmsh at its defaults against server rate limits
//   ddmsh-bench scale [accounts [latency]]     show, grant to all, export and drift at 10,000 accounts
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "pacing", arguments.count >= 2 {
    try await pacingBench(ddmsh: arguments[1], latency: Double(arguments.dropFirst(2).first ?? "0.02") ?? 0.02,
                          only: arguments.dropFirst(3).first)
} else if arguments.first == "scale" {
    try await scaleBench(accounts: Int(arguments.dropFirst().first ?? "10000") ?? 10000,
                         latency: Double(arguments.dropFirst(2).first ?? "0") ?? 0)
} else {
    try await batchBench(latency: Double(arguments.first ?? "0.02") ?? 0.02)
}
