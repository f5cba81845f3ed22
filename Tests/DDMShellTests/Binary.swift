import Foundation

/// Runs the built `ddmsh` executable as a user would: a real process, real pipes.
enum Binary {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `scripts/test` exports DDMSH_BIN; a plain `swift test` falls back to the debug build.
    static var path: String {
        if let p = ProcessInfo.processInfo.environment["DDMSH_BIN"], !p.isEmpty { return p }
        return packageRoot.appendingPathComponent(".build/debug/ddmsh").path
    }

    struct Result {
        var stdout: String
        var stderr: String
        /// stdout and stderr as they interleaved (one pipe for both).
        var combined: String
        var status: Int32
    }

    /// The environment every run starts from: no colour, no user config, a private home.
    static func baseEnvironment(home: String) -> [String: String] {
        var env: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home, "XDG_CONFIG_HOME": home + "/.config", "XDG_DATA_HOME": home + "/.local/share",
            "XDG_CACHE_HOME": home + "/.cache",
            "NO_COLOR": "1", "LANG": "C.UTF-8",
            // A run that finds no credentials asks the ECS metadata service last: never the real
            // 169.254.169.254 from a test, but a loopback port where nothing listens.
            "DDMSH_METADATA_ENDPOINT": "http://127.0.0.1:1",
        ]
        if let tmp = ProcessInfo.processInfo.environment["TMPDIR"] { env["TMPDIR"] = tmp }
        return env
    }

    static func temporaryHome() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ddmsh-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// Runs to completion. `combine` sends stderr into the stdout pipe so the order is kept.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    directory: String? = nil, combine: Bool = false, executable: String? = nil,
                    home given: String? = nil) throws -> Result {
        // A home of the test's own is kept for it to inspect; a fresh one is removed.
        let home = try given ?? temporaryHome()
        defer { if given == nil { try? FileManager.default.removeItem(atPath: home) } }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable ?? path)
        p.arguments = arguments
        p.environment = baseEnvironment(home: home).merging(environment) { $1 }
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = combine ? out : err
        p.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try p.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so neither fills up and blocks the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        if !combine {
            DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        let o = String(decoding: outData, as: UTF8.self), e = String(decoding: errData, as: UTF8.self)
        return Result(stdout: o, stderr: e, combined: combine ? o : o + e, status: p.terminationStatus)
    }
}

/// Waits for something a test can observe (a line of output, a state in the service) instead of
/// a fixed time: returns as soon as it holds, fails after `timeout`.
func waitUntil(_ what: String, timeout: Double = 60, _ holds: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !holds() {
        guard Date() < deadline else { throw WaitTimeout(what: what) }
        Thread.sleep(forTimeInterval: 0.05)
    }
}

struct WaitTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Collects a pipe's output as it arrives, so a test can wait for a line.
final class OutputWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let chunk = h.availableData
            guard let self else { return }
            if chunk.isEmpty { h.readabilityHandler = nil; return }
            self.lock.withLock { self.data.append(chunk) }
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

extension Binary {
    /// Runs ddmsh until its stdout shows `marker`, then does `act` to the process (a signal) and
    /// waits for it to end; returns its status and what it wrote, stderr read to its end.
    static func runUntil(_ arguments: [String], shows marker: String, then act: (Process) -> Void,
                         stderrShows done: String) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        p.environment = baseEnvironment(home: try temporaryHome())
        let err = Pipe(), out = Pipe()
        p.standardError = err
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        let output = OutputWatcher(out), errors = OutputWatcher(err)
        try p.run()
        try waitUntil("«\(marker)» on stdout") { output.text.contains(marker) }
        act(p)
        p.waitUntilExit()
        try waitUntil("«\(done)» on stderr", timeout: 10) { errors.text.contains(done) }
        return (p.terminationStatus, output.text, errors.text)
    }

    /// A script that creates an account, then waits for a slow instance: interrupted in the wait,
    /// it has applied exactly one thing.
    static let slowScript = ["--local", "--state", ":memory:", "--local-create-delay", "60", "--rate-limit", "0", "-c", """
        create user app password 'App_pass_12!';
        create instance ddm-slow with flavor=ddm.c6.large.2, nodes=2, vpc=v, subnet=s, security_group=g, az=[ap-southeast-1a] wait;
        """]
}

