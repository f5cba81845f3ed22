import Foundation
import Testing

/// Undo takes back the rest of DDM's reversible changes: a SQL blacklist, a group's access
/// control and a parameter template are each put back as they were before the run.
@Suite struct UndoOfTheRestTests {
    @Test func blacklistAccessControlAndTemplateComeBack() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0", "--output", "csv"]
        let before = try Binary.run(local + ["-c", """
            create schema shop shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            alter schema shop set sql blacklist prefix ('DROP TABLE');
            alter group default set access whitelist ('10.0.0.0/24');
            create parameter template keep description 'kept' with long_query_time = 2;
            """], home: home)
        #expect(before.status == 0, "\(before.stderr)")
        let change = try Binary.run(local + ["-c", """
            alter schema shop set sql blacklist prefix ('TRUNCATE') full ('delete from orders');
            alter group default set access blacklist ('192.168.1.7', '10.9.0.0/16');
            alter parameter template keep set long_query_time = 5 description 'changed' rename to kept2;
            """], home: home)
        #expect(change.status == 0, "\(change.stderr)")
        let undo = try Binary.run(local + ["undo", "--yes"], home: home)
        #expect(undo.status == 0, "\(undo.stdout)\(undo.stderr)")
        let state = try Binary.run(local + ["-c", "show sql blacklist for shop; show access control for group default; show parameter templates"], home: home)
        #expect(state.stdout.contains("prefix,DROP TABLE") && !state.stdout.contains("TRUNCATE") && !state.stdout.contains("delete from orders"), "\(state.stdout)")
        #expect(state.stdout.contains("10.0.0.0/24") && !state.stdout.contains("192.168.1.7"), "\(state.stdout)")
        #expect((state.stdout + state.stderr).contains("whitelist (only the addresses below connect)"), "\(state.stdout)\(state.stderr)")
        #expect(state.stdout.contains("keep,") && state.stdout.contains(",kept") && !state.stdout.contains("kept2"), "\(state.stdout)")
        let template = try Binary.run(local + ["-c", "show parameter template keep"], home: home).stdout
        #expect(template.contains("long_query_time,2,"), "\(template)")
    }
}

/// A list kept while access control is off comes back, off, when a change made over it is undone.
@Suite struct UndoKeepsTheListKeptWhileOffTests {
    @Test func theKeptWhitelistComesBackOff() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0", "--output", "csv"]
        #expect(try Binary.run(local + ["-c", "alter group default set access whitelist ('10.0.0.0/24'); alter group default set access off;"],
                               home: home).status == 0)
        let change = try Binary.run(local + ["-c", "alter group default set access blacklist ('192.168.1.7');"], home: home)
        #expect(change.status == 0, "\(change.stderr)")
        let undo = try Binary.run(local + ["undo", "--yes"], home: home)
        #expect(undo.status == 0, "\(undo.stdout)\(undo.stderr)")
        let state = try Binary.run(local + ["-c", "show access control for group default"], home: home)
        #expect(state.stdout.contains("10.0.0.0/24") && !state.stdout.contains("192.168.1.7"), "\(state.stdout)")
        #expect((state.stdout + state.stderr).contains("off"), "\(state.stdout)\(state.stderr)")
    }
}
