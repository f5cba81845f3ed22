import Foundation
import Testing

/// What a person sees before saying yes to a change that overwrites, and what the service holds
/// after "no" and after "yes" (issue "The rest of DDM": a blacklist change, a group's access
/// control switch, a restore).
extension REPLTests {
    @Test(.enabled(if: Terminal.available)) func aBlacklistChangeShowsWhatChangesBeforeAsking() throws {
        let t = try Terminal()
        try t.start()
        try t.line("create schema shop shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';")
        try t.waitFor("creating schema shop")
        try t.line("alter schema shop set sql blacklist prefix ('DROP TABLE') full ('delete from orders');")
        try t.waitFor("set the SQL blacklist of shop (2 changes)? Statements it lists are refused on shop from then on [y/N]")
        #expect(t.screen.contains("+ prefix 'DROP TABLE'") && t.screen.contains("+ full 'delete from orders'"), "\(t.screen)")
        try t.line("n")
        try t.waitFor("not done")
        try t.line("show sql blacklist for shop;")
        try t.waitFor("(0 rows)")
        try t.line("alter schema shop set sql blacklist prefix ('DROP TABLE') full ('delete from orders');")
        try t.waitFor("[y/N]", occurrences: 2)
        try t.line("y")
        try t.waitFor("set the SQL blacklist of shop")
        try t.line("show sql blacklist for shop;")
        try t.waitFor("(2 rows)")
        #expect(t.screen.contains("prefix  DROP TABLE") && t.screen.contains("full    delete from orders"), "\(t.screen)")
        // Replacing one kind shows what leaves as well as what comes.
        try t.line("alter schema shop set sql blacklist prefix ('TRUNCATE');")
        try t.waitFor("[y/N]", occurrences: 3)
        #expect(t.screen.contains("- prefix 'DROP TABLE'") && t.screen.contains("+ prefix 'TRUNCATE'"), "\(t.screen)")
        try t.line("y")
        try t.line("show sql blacklist for shop;")
        try t.waitFor("prefix  TRUNCATE")
        try t.quit()
    }

    @Test(.enabled(if: Terminal.available)) func anAccessControlSwitchShowsWhatChangesBeforeAsking() throws {
        let t = try Terminal()
        try t.start()
        try t.line("alter group default set access whitelist ('10.0.0.0/24', '192.168.1.7');")
        try t.waitFor("set the access control of group default to whitelist of 2 addresses? Only these 2 addresses connect through")
        #expect(t.screen.contains("access control: off → on") && t.screen.contains("+ 10.0.0.0/24") && t.screen.contains("+ 192.168.1.7"), "\(t.screen)")
        try t.line("n")
        try t.waitFor("not done")
        try t.line("show access control for group default;")
        try t.waitFor("off (anyone in the VPC connects)")
        try t.line("alter group default set access whitelist ('10.0.0.0/24', '192.168.1.7');")
        try t.waitFor("[y/N]", occurrences: 2)
        try t.line("y")
        try t.waitFor("access control of group default is now whitelist of 2 addresses")
        try t.line("show access control for group default;")
        try t.waitFor("(2 rows)")
        #expect(t.screen.contains("whitelist (only the addresses below connect)"), "\(t.screen)")
        // Switching to a blacklist says so, and which addresses leave.
        try t.line("alter group default set access blacklist ('10.0.0.0/24');")
        try t.waitFor("[y/N]", occurrences: 3)
        #expect(t.screen.contains("mode: whitelist → blacklist") && t.screen.contains("- 192.168.1.7"), "\(t.screen)")
        try t.line("y")
        try t.waitFor("is now blacklist of 1 address")
        try t.quit()
    }

    @Test(.enabled(if: Terminal.available)) func aRestoreSaysWhatTheTargetLosesBeforeAsking() throws {
        let t = try Terminal()
        let made = try Binary.run(["--local", "--state", t.state, "--local-create-delay", "0", "--rate-limit", "0", "-c", """
            create schema shop shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            create instance ddm-copy with flavor=ddm.c6.large.2, nodes=2, vpc=vpc-1, subnet=subnet-1, security_group=sg-1, az=[ap-southeast-1a] wait;
            """], home: t.home)
        #expect(made.status == 0, "\(made.stderr)")
        try t.start()
        try t.line("restore to instance ddm-copy at 'now' map rds-orders to rds-archive;")
        try t.waitFor("restore onto ddm-copy? rds-archive loses what it holds now; undo cannot bring it back [y/N]")
        #expect(t.screen.contains("overwritten with rds-orders's data as of then; what it holds now is lost"), "\(t.screen)")
        #expect(t.screen.contains("ddm-copy: unavailable while it restores"), "\(t.screen)")
        try t.line("n")
        try t.waitFor("not done")
        try t.line("show restore targets;")
        try t.waitFor("ddm-copy  RUNNING  yes")
        try t.line("restore to instance ddm-copy at 'now' map rds-orders to rds-archive;")
        try t.waitFor("[y/N]", occurrences: 2)
        try t.line("y")
        try t.waitFor("restoring ddm-demo onto ddm-copy")
        try t.line("use instance ddm-copy;")
        try t.line("show schemas;")
        try t.waitFor("rds-archive")
        try t.quit()
    }
}
