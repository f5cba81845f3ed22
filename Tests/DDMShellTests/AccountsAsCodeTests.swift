import Foundation
import Testing

/// The README's and the tutorial's accounts-as-code loop as a CI job runs it: no password in the
/// environment for a drift check, a secret read only for a write that uses it, and compile-time
/// checks for what every run needs (issues 31 and 34).
@Suite struct AccountsAsCodeTests {
    static let env = ["DDM_PASSWORD_APP": "App_pass_12!", "DDM_PASSWORD_OPS": "App_pass_12!", "DDM_RDS_PASSWORD": "Rds_Admin_1!", "PW": "App_pass_12!"]

    func local(_ home: String) -> [String] { ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"] }

    /// An instance with a schema and two accounts, exported as the README says.
    func exported(_ home: String) throws -> String {
        let setup = try Binary.run(local(home) + ["-c", """
            create schema orders shards 2 on rds rds-orders admin user root password env DDM_RDS_PASSWORD;
            create user app password env PW with SELECT on orders;
            create user ops password env PW with SELECT, INSERT on orders;
            """], environment: Self.env, home: home)
        #expect(setup.status == 0, "\(setup.stderr)")
        let file = home + "/ddm-prod.ddm"
        let export = try Binary.run(local(home) + ["-c", "export all passwords env to '\(file)'"], home: home)
        #expect(export.status == 0, "\(export.stderr)")
        return file
    }

    @Test func theDriftLinesNeedNoPasswords() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let file = try exported(home)
        // The environment has no DDM_PASSWORD_* and no DDM_RDS_PASSWORD (Binary's base has none).
        let inSync = try Binary.run(local(home) + ["--dry-run", "--detailed-exitcode", file], home: home)
        #expect(inSync.status == 0, "\(inSync.stdout)\n\(inSync.stderr)")
        #expect(inSync.stderr.contains("in sync: nothing would change"), "\(inSync.stderr)")
        #expect(try Binary.run(local(home) + ["--check", file], home: home).status == 0)

        #expect(try Binary.run(local(home) + ["-c", "grant DELETE on orders to app"], home: home).status == 0)
        let drift = try Binary.run(local(home) + ["--dry-run", "--detailed-exitcode", file], home: home)
        #expect(drift.status == 3, "\(drift.stdout)\n\(drift.stderr)")
        #expect(drift.stderr.contains("drift: 1 change would be made"), "\(drift.stderr)")

        // An account made in the console: `declare users complete` names it, as drift.
        #expect(try Binary.run(local(home) + ["-c", "revoke DELETE from app; create user console1 password env PW"], environment: ["PW": "App_pass_12!"], home: home).status == 0)
        let undeclared = try Binary.run(local(home) + ["--dry-run", "--detailed-exitcode", file], home: home)
        #expect(undeclared.status == 3, "\(undeclared.stdout)\n\(undeclared.stderr)")
        #expect(undeclared.stdout.contains("undeclared account: console1"), "\(undeclared.stdout)")
        // The tutorial's next step: the file drops what it does not declare; its dry run says so, still with no password.
        let text = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(of: "declare users complete;", with: "declare users complete drop undeclared;")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let drop = try Binary.run(local(home) + ["--dry-run", "--detailed-exitcode", file], home: home)
        #expect(drop.status == 3 && drop.stdout.contains("console1"), "\(drop.stdout)\n\(drop.stderr)")
        let applied = try Binary.run(local(home) + [file], home: home)
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        #expect(try Binary.run(local(home) + ["--dry-run", "--detailed-exitcode", file], home: home).status == 0)
    }

    /// A dry run that would create an account fails clearly when its variable is unset; the run
    /// refuses before its first write, so nothing is half-applied.
    @Test func aWriteThatNeedsAnUnsetVariableFailsBeforeAnything() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let file = try exported(home)
        #expect(try Binary.run(local(home) + ["-c", "drop user app; grant DELETE on orders to ops"], home: home).status == 0)
        let dry = try Binary.run(local(home) + ["--dry-run", "--detailed-exitcode", file], home: home)
        #expect(dry.status == 1, "\(dry.stdout)\n\(dry.stderr)")
        #expect(dry.stderr.contains("ddm-prod.ddm:7:1: error: environment variable DDM_PASSWORD_APP is not set: the password for app is needed, as this statement would write"),
                "\(dry.stderr)")
        let run = try Binary.run(local(home) + [file], home: home)
        #expect(run.status == 1, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stderr.contains("environment variable DDM_PASSWORD_APP is not set: account app does not exist, so this statement would create it and needs it; nothing was run"), "\(run.stderr)")
        // ops keeps the DELETE the file would have taken away: nothing ran.
        let grants = try Binary.run(local(home) + ["-c", "show grants for ops"], home: home)
        #expect(grants.stdout.contains("DELETE"), "\(grants.stdout)")
        // With the variable, it runs.
        let fixed = try Binary.run(local(home) + [file], environment: ["DDM_PASSWORD_APP": "App_pass_12!"], home: home)
        #expect(fixed.status == 0, "\(fixed.stdout)\n\(fixed.stderr)")
    }

    /// An account the script drops before its `create … if not exists` counts as missing, though it exists now.
    @Test func anAccountDroppedEarlierInTheScriptNeedsItsSecret() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        #expect(try Binary.run(local(home) + ["-c", "create user keep1 password env PW"], environment: ["PW": "App_pass_12!"], home: home).status == 0)
        let r = try Binary.run(local(home) + ["-c", "drop user keep1; create user keep1 if not exists password env UNSET_KEEP1"], home: home)
        #expect(r.status == 1 && r.stderr.contains("environment variable UNSET_KEEP1 is not set: account keep1 does not exist"), "\(r.stderr)")
        #expect(try Binary.run(local(home) + ["-c", "show users"], home: home).stdout.contains("keep1"), "nothing ran")
    }

    /// `--check` reads nothing: behind `if not exists` an unset variable is a warning, elsewhere an error.
    @Test func checkWarnsWhereOnlyAReadCouldTell() throws {
        let warn = try Binary.run(["--local", "--check", "-c", "create user a1 if not exists password env NOPE_A1"])
        #expect(warn.status == 0, "\(warn.stderr)")
        #expect(warn.stderr.contains("warning: environment variable NOPE_A1 is not set; needed only if account a1 does not exist"), "\(warn.stderr)")
        let always = try Binary.run(["--local", "--check", "-c", "create user a1 password env NOPE_A1"])
        #expect(always.status == 2 && always.stderr.contains("error: environment variable NOPE_A1 is not set"), "\(always.stderr)")
        // In a loop, the body's statement decides.
        let loop = try Binary.run(["--local", "--check", "-c", "for u in (a, b) { create user $u if not exists password env NOPE_L; grant SELECT on orders to $u; }"])
        #expect(loop.status == 0 && loop.stderr.contains("needed only if account a or account b does not exist"), "\(loop.stderr)")
    }

    /// Issue 31: the reshard's implicit DDM_RDS_PASSWORD is checked before anything runs.
    @Test func aReshardsImplicitPasswordIsCheckedAtCompileTime() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let r = try Binary.run(local(home) + ["-c", "create user early password env PW; alter schema s_x reshard shards 4"],
                               environment: ["PW": "App_pass_12!"], home: home)
        #expect(r.status == 2, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains("environment variable DDM_RDS_PASSWORD is not set"), "\(r.stderr)")
        #expect(!(try Binary.run(local(home) + ["-c", "show users"], home: home).stdout.contains("early")))
        let check = try Binary.run(["--local", "--check", "-c", "alter schema s_x reshard shards 4"])
        #expect(check.status == 2 && check.stderr.contains("<command>:1:18: error: environment variable DDM_RDS_PASSWORD is not set"), "\(check.stderr)")
        let imported = try Binary.run(["--local", "--check", "-c", "import schema metadata from 'meta.json'"])
        #expect(imported.status == 2 && imported.stderr.contains("DDM_RDS_PASSWORD is not set"), "\(imported.stderr)")
        #expect(try Binary.run(["--local", "--check", "-c", "alter schema s_x reshard shards 4"], environment: ["DDM_RDS_PASSWORD": "x"]).status == 0)
    }

    @Test func aClauseGivenTwiceIsAnErrorWhereItIsRepeated() throws {
        let env = ["DDM_RDS_PASSWORD": "x"]
        let shards = try Binary.run(["--local", "--check", "-c", "alter schema s reshard shards 4 shards 16"], environment: env)
        #expect(shards.status == 2 && shards.stderr.contains("<command>:1:33: error: 'shards' is given twice; give it once"), "\(shards.stderr)")
        let sw = try Binary.run(["--local", "--check", "-c", "alter schema s reshard shards 4 switch manually switch at '02:00:00'"], environment: env)
        #expect(sw.status == 2 && sw.stderr.contains("<command>:1:49: error: 'switch' is given twice"), "\(sw.stderr)")
        let user = try Binary.run(["--local", "--check", "-c", "create user u password env X with SELECT comment 'a' comment 'b'"], environment: ["X": "y"])
        #expect(user.status == 2 && user.stderr.contains("'comment' is given twice"), "\(user.stderr)")
    }

    /// A printed statement says where its secret comes from, never `prompt` for an env one.
    @Test func explainSaysWhereASecretComesFrom() throws {
        let r = try Binary.run(["--local", "--state", ":memory:", "-c", "explain check data nodes rds-orders user root password env RDS_X"],
                               environment: ["RDS_X": "Rds_Admin_1!"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("check data nodes rds-orders user root password env RDS_X"), "\(r.stdout)")
        #expect(!r.stdout.contains("password prompt"), "\(r.stdout)")
    }

    /// Export writes an empty value as '' and says how many parameters it wrote.
    @Test func exportWritesAnEmptyParameterValueQuoted() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let file = home + "/p.ddm"
        let export = try Binary.run(local(home) + ["-c", "export all passwords env to '\(file)'"], home: home)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.range(of: #"^exported 0 schemas, 0 accounts and \d+ parameters to "#, options: .regularExpression) != nil, "\(export.stdout)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("bind_table = ''"), "\(text)")
        let dry = try Binary.run(local(home) + ["--dry-run", "--detailed-exitcode", file], home: home)
        #expect(dry.status == 0, "\(dry.stdout)\n\(dry.stderr)")
        #expect(!dry.stdout.contains("= ,") && dry.stdout.contains("bind_table = ''"), "\(dry.stdout)")
    }
}
