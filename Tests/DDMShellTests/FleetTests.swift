import Foundation
import Testing

/// Fleets from the command line, against the local service: results per target as JSON, exit
/// codes, `--retry-failed`, and undo of a whole fleet.
@Suite struct FleetTests {
    static func instances(_ names: [String]) -> String {
        names.map {
            "create instance \($0) with flavor=ddm.c6.large.2, nodes=2, vpc=v, subnet=s, security_group=g, az=[ap-southeast-1a] wait;"
        }.joined(separator: "\n")
    }

    /// The fleet's results: the JSON line of its table, whose `rows` are one object per target.
    static func rows(_ output: String) throws -> [[String: Any]] {
        let line = output.components(separatedBy: "\n").first { $0.hasPrefix("{\"columns\":[\"instance\",\"status\"") } ?? ""
        let table = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(output)")
        return try #require(table["rows"] as? [[String: Any]], "\(line)")
    }

    static func users(_ local: [String], on instance: String, home: String) throws -> String {
        try Binary.run(local + ["--instance", instance, "--output", "csv", "-c", "show users"], home: home).stdout
    }

    @Test func aScriptOnEveryTargetThenOnlyTheFailedOnesThenUndoneTogether() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let env = ["P": "App_pass_12!"]
        #expect(try Binary.run(local + ["-c", Self.instances(["ddm-f1", "ddm-f2", "ddm-f3"])], home: home).status == 0)
        // ddm-f2 already has the account: its create fails there, and only there.
        #expect(try Binary.run(local + ["--instance", "ddm-f2", "-c", "create user app password env P"], environment: env, home: home).status == 0)

        let first = try Binary.run(local + ["--instances", "ddm-f%", "--concurrency", "3", "--output", "json", "-c", "create user app password env P"],
                                   environment: env, home: home)
        #expect(first.status == 1, "one target failed: \(first.stderr)")
        let rows = try Self.rows(first.stdout)
        let status = Dictionary(uniqueKeysWithValues: rows.map { ($0["instance"] as? String ?? "", $0["status"] as? String ?? "") })
        #expect(status == ["ddm-f1": "ok", "ddm-f2": "failed", "ddm-f3": "ok"], "\(rows)")
        #expect(rows.first { $0["instance"] as? String == "ddm-f2" }?["code"] as? String == "DBS.300311", "\(rows)")
        #expect(rows.allSatisfy { $0["changes"] is NSNumber }, "changes are numbers in JSON: \(rows)")
        for name in ["ddm-f1", "ddm-f3"] { #expect(try Self.users(local, on: name, home: home).contains("app,SELECT"), "\(name)") }

        // The account is dropped on ddm-f2: a retry runs only that target.
        #expect(try Binary.run(local + ["--instance", "ddm-f2", "-c", "drop user app"], home: home).status == 0)
        let retry = try Binary.run(local + ["--instances", "ddm-f%", "--retry-failed", "--output", "csv", "-c", "create user app password env P"],
                                   environment: env, home: home)
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect((retry.stdout + retry.stderr).contains("retrying the targets that did not succeed last time: ddm-f2"), "\(retry.stderr)")
        #expect(retry.stdout.contains("ddm-f2,ok,1") && !retry.stdout.contains("ddm-f1,"), "\(retry.stdout)")
        // The record keeps what the first run did for the targets the retry left alone.
        let nothingLeft = try Binary.run(local + ["--instances", "ddm-f%", "--retry-failed", "-c", "create user app password env P"],
                                         environment: env, home: home)
        #expect(nothingLeft.status == 0 && nothingLeft.stdout.contains("retrying the targets that did not succeed last time: none"),
                "\(nothingLeft.stdout)\(nothingLeft.stderr)")

        // A fleet is undone as one run: the last fleet (the retry) on its one target, and then the
        // first fleet on both targets where it created the account, not on the one where it failed.
        let undoRetry = try Binary.run(local + ["undo", "--yes"], home: home)
        #expect(undoRetry.status == 0 && undoRetry.stdout.components(separatedBy: "drop user app").count == 2, "\(undoRetry.stdout)")
        let undoFirst = try Binary.run(local + ["undo", "--yes", "--run", Self.fleetRun(local, home: home, instance: "ddm-f1")], home: home)
        #expect(undoFirst.status == 0, "\(undoFirst.stderr)")
        #expect(undoFirst.stdout.components(separatedBy: "drop user app if exists;").count == 3, "two targets: \(undoFirst.stdout)")
        for name in ["ddm-f1", "ddm-f2", "ddm-f3"] { #expect(!(try Self.users(local, on: name, home: home)).contains("app,"), "\(name)") }
    }

    /// The run id of the first fleet run journaled for `instance`.
    static func fleetRun(_ local: [String], home: String, instance: String) throws -> String {
        let list = try Binary.run(local + ["undo", "--list"], home: home).stdout
        let line = list.split(whereSeparator: \.isNewline).first { $0.split(separator: " ").contains(Substring(instance)) }
        return line.map { String($0.split(separator: " ")[0]) } ?? ""
    }

    @Test func pastTheToleranceNoTargetStartsAndTheRestAreNotStarted() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        #expect(try Binary.run(local + ["-c", Self.instances(["ddm-g1", "ddm-g2"])], home: home).status == 0)
        let r = try Binary.run(local + ["--output", "csv", "-c", """
            on instances (ddm-nope, ddm-g1, ddm-g2) concurrency 1 max failures 0 { create user app password 'App_pass_12!'; }
            """], home: home)
        #expect(r.status == 1 && r.stderr.contains("1 of 3 targets failed, 2 not started"), "\(r.stderr)")
        #expect(r.stdout.contains("ddm-nope,failed,0,,no instance named ddm-nope") && r.stdout.contains("ddm-g1,not started"), "\(r.stdout)")
        #expect(!(try Self.users(local, on: "ddm-g1", home: home)).contains("app,"))
    }

    /// A fleet exports one file per target into a directory; a desired state checked across the
    /// fleet with `--dry-run --detailed-exitcode` says which targets drifted, and exits 3.
    @Test func exportPerTargetAndDriftPerTarget() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        #expect(try Binary.run(local + ["-c", Self.instances(["ddm-x1", "ddm-x2"])], home: home).status == 0)
        let setUp = try Binary.run(local + ["-c", "on instances like 'ddm-x%' { create user app password 'App_pass_12!' with SELECT; }"], home: home)
        #expect(setUp.status == 0, "\(setUp.stderr)")
        let export = try Binary.run(local + ["-c", "on instances like 'ddm-x%' { export users passwords env to '\(home)/state/'; }"], home: home)
        #expect(export.status == 0, "\(export.stderr)")
        for name in ["ddm-x1", "ddm-x2"] {
            let file = try String(contentsOfFile: home + "/state/\(name).ddm", encoding: .utf8)
            #expect(file.contains("create user app") && file.contains(name), "\(file)")
        }
        // ddm-x2 drifts: its account gains a privilege outside the file.
        #expect(try Binary.run(local + ["--instance", "ddm-x2", "-c", "grant exactly SELECT, INSERT to app"], home: home).status == 0)
        let drift = try Binary.run(local + ["--instances", "ddm-x%", "--dry-run", "--detailed-exitcode", "--output", "csv", home + "/state/ddm-x1.ddm"],
                                   environment: ["DDM_PASSWORD_APP": "App_pass_12!"], home: home)
        #expect(drift.status == 3, "drift: \(drift.stderr)")
        #expect(drift.stdout.contains("ddm-x1,in sync") && drift.stdout.contains("ddm-x2,would change"), "\(drift.stdout)")
    }
}
