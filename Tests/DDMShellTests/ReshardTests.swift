import Foundation
import Testing

/// Resharding from the command line against the local service kept in a state file: what the
/// accounts hold is the same after, and a ddmsh killed mid-wait leaves a task that `show reshard`
/// explains and the next statement carries on.
@Suite struct ReshardTests {
    static func local(_ home: String, delay: String = "0") -> [String] {
        ["--local", "--state", home + "/s.sqlite", "--local-create-delay", delay, "--rate-limit", "0", "--local-api", "both"]
    }

    /// The export without its header and its schema lines: what the accounts hold. (A schema's
    /// line gives its layout, which is what resharding changes.)
    static func accounts(_ export: String) -> String {
        export.split(separator: "\n").filter { !$0.hasPrefix("--") && !$0.hasPrefix("create schema") }.joined(separator: "\n")
    }

    @Test func grantsAndTheExportAreTheSameAfterResharding() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = Self.local(home)
        let setUp = try Binary.run(local + ["-c", """
            create schema orders shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            create schema stock shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            create user app password 'App_pass_12!' with SELECT, INSERT on orders, stock comment 'orders service';
            create user report password 'App_pass_12!' with SELECT on orders;
            """], home: home)
        #expect(setUp.status == 0, "\(setUp.stderr)")
        let grantsBefore = try Binary.run(local + ["--output", "csv", "-c", "show grants for app, report"], home: home).stdout
        let exportBefore = try Binary.run(local + ["-c", "export all"], home: home).stdout

        let reshard = try Binary.run(local + ["-c", """
            alter schema orders reshard shards 8 add rds rds-billing admin user root password 'Rds_Admin_1!' switch manually wait;
            alter schema orders switch route;
            alter schema orders clean reshard;
            """], home: home)
        #expect(reshard.status == 0, "\(reshard.stderr)")
        let schema = try Binary.run(local + ["--output", "csv", "-c", "show schema orders"], home: home).stdout
        #expect(schema.split(separator: "\r\n").count == 9 && schema.contains("rds-billing"), "8 shards on two data nodes: \(schema)")
        // Spread evenly, as a new 8-shard schema on the same two nodes is: 4 and 4, not 2 and 6.
        #expect(schema.components(separatedBy: "rds-orders").count - 1 == 4 && schema.components(separatedBy: "rds-billing").count - 1 == 4,
                "\(schema)")

        let grantsAfter = try Binary.run(local + ["--output", "csv", "-c", "show grants for app, report"], home: home).stdout
        let exportAfter = try Binary.run(local + ["-c", "export all"], home: home).stdout
        #expect(grantsAfter == grantsBefore)
        #expect(Self.accounts(exportAfter) == Self.accounts(exportBefore), "\(exportBefore)\n---\n\(exportAfter)")
        #expect(exportAfter.contains("create schema orders if not exists shards 8 mode cluster on rds rds-orders, rds-billing")
                && exportAfter.contains("create schema stock if not exists shards 2 mode cluster on rds rds-orders "), "\(exportAfter)")
    }

    /// SIGKILL while waiting on the copy: the task goes on in the service (its state is the
    /// service's, in the state file), `show reshard` says where it is and what it allows, and
    /// the next statement finishes the job.
    @Test func killedWhileWaitingTheTaskIsExplainedAndContinued() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let setUp = try Binary.run(Self.local(home) + ["-c", "create schema orders shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';"],
                                   home: home)
        #expect(setUp.status == 0, "\(setUp.stderr)")

        // Copying takes 4 s (half the create delay): long enough to be killed in the middle.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = Self.local(home, delay: "8") + ["-c", "alter schema orders reshard shards 4 admin user root password 'Rds_Admin_1!' switch manually wait;"]
        p.environment = Binary.baseEnvironment(home: home)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        let output = OutputWatcher(out)
        try p.run()
        try waitUntil("the task started") { output.text.contains("resharding orders: 2 → 4 shards") }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)

        // The task is open: dropping the schema under it is refused, and running the reshard
        // again follows the task instead of being refused for it.
        let drop = try Binary.run(Self.local(home, delay: "8") + ["-c", "drop schema orders"], home: home)
        #expect(drop.status == 1 && drop.stderr.contains("being resharded"), "\(drop.stderr)")
        let again = try Binary.run(Self.local(home, delay: "8") + ["-c", "alter schema orders reshard shards 4 admin user root password 'Rds_Admin_1!' switch manually"],
                                   home: home)
        #expect(again.status == 0 && again.stdout.contains("already under way") && again.stdout.contains("following it"), "\(again.stdout)\(again.stderr)")
        let nosuch = try Binary.run(Self.local(home, delay: "8") + ["-c", "show reshard of nosuch"], home: home)
        #expect(nosuch.status == 1 && nosuch.stderr.contains("nosuch"), "\(nosuch.stdout)\(nosuch.stderr)")

        let shown = try Binary.run(Self.local(home, delay: "8") + ["--output", "csv", "-c", "show reshard of orders"], home: home)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("orders,") && (shown.stdout.contains(",Running,") || shown.stdout.contains(",ToBeSwitched,")), "\(shown.stdout)")
        #expect(shown.stdout.contains("cancel reshard"), "what it allows is named: \(shown.stdout)")

        // The next statements carry on: `wait job <task>`, as the output named it, follows the
        // task through the task list (the job call does not know it); then switch, and clean.
        let task = try #require(output.text.firstMatch(of: /\(task ([0-9a-f-]+)\)/)?.output.1, "\(output.text)")
        let waited = try Binary.run(Self.local(home, delay: "8") + ["-c", "wait job \(task)"], home: home)
        #expect(waited.status == 0 && waited.stdout.contains("data copied"), "\(waited.stdout)\(waited.stderr)")
        // After the switch, the schema list shows the new layout as soon as the task is done,
        // with no read of the task list between (tasks move with time, not with reads).
        let switched = try Binary.run(Self.local(home, delay: "0") + ["-c", "alter schema orders switch route;"], home: home)
        #expect(switched.status == 0, "\(switched.stderr)")
        let listed = try Binary.run(Self.local(home, delay: "0") + ["--output", "csv", "-c", "show schemas"], home: home).stdout
        #expect(listed.contains("orders,") && listed.contains(",4,"), "\(listed)")
        let finish = try Binary.run(Self.local(home, delay: "0") + ["-c", "show reshard of orders; alter schema orders clean reshard;"],
                                    home: home)
        #expect(finish.status == 0, "\(finish.stderr)")
        let schema = try Binary.run(Self.local(home) + ["--output", "csv", "-c", "show schema orders"], home: home).stdout
        #expect(schema.split(separator: "\r\n").count == 5, "4 shards: \(schema)")
    }

    /// The task list outlives a schema: a dropped schema's task offers no action on it.
    @Test func aDroppedSchemasTaskOffersNothing() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let run = try Binary.run(Self.local(home) + ["-c", """
            create schema gone shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!' wait;
            alter schema gone reshard shards 4 admin user root password 'Rds_Admin_1!' switch manually wait;
            alter schema gone switch route;
            """], home: home)
        #expect(run.status == 0, "\(run.stderr)")
        let before = try Binary.run(Self.local(home) + ["--output", "csv", "-c", "show reshard of gone"], home: home)
        #expect(before.stdout.contains("alter schema gone clean reshard"), "a completed task allows its clean: \(before.stdout)")
        let dropped = try Binary.run(Self.local(home) + ["-c", "drop schema gone wait"], home: home)
        #expect(dropped.status == 0, "\(dropped.stderr)")
        let after = try Binary.run(Self.local(home) + ["--output", "csv", "-c", "show reshard"], home: home)
        #expect(after.status == 0 && after.stdout.contains("none (the schema was dropped)"), "\(after.stdout)\(after.stderr)")
        #expect(!after.stdout.contains("alter schema gone"), "\(after.stdout)")
    }
}
