import Foundation
import Testing

/// Backups against the local service: one made when a schema is dropped is listed, shown with the
/// data nodes it covers, and deleted.
@Suite struct BackupTests {
    @Test func aBackupIsListedShownAndDeleted() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0", "--output", "csv"]
        let setUp = try Binary.run(local + ["-c", """
            create schema keep shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            create schema tmp shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            drop schema tmp;
            """], home: home)
        #expect(setUp.status == 0, "\(setUp.stderr)")
        let listed = try Binary.run(local + ["-c", "show backups"], home: home).stdout
        let row = try #require(listed.split(separator: "\r\n").first { $0.contains(",metadata,") }, "\(listed)")
        #expect(row.contains("schema tmp was deleted"), "\(row)")
        let id = String(row.split(separator: ",")[0])
        let shown = try Binary.run(local + ["-c", "show backup \(id)"], home: home)
        #expect(shown.status == 0 && shown.stdout.contains("rds-orders"), "\(shown.stdout)\(shown.stderr)")
        let dropped = try Binary.run(local + ["-c", "drop backup \(id)"], home: home)
        #expect(dropped.status == 0, "\(dropped.stderr)")
        #expect(!(try Binary.run(local + ["-c", "show backups"], home: home).stdout.contains(id)))
        let again = try Binary.run(local + ["-c", "drop backup \(id)"], home: home)
        #expect(again.status == 1 && again.stderr.contains("is not a backup of instance ddm-demo"), "\(again.stderr)")
    }

    /// `drop backup` on one instance does not delete another instance's backup (the delete call
    /// names the backup alone), in a dry run or a run; on its own instance it does.
    @Test func anotherInstancesBackupIsNotDeleted() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0", "--output", "csv"]
        let setUp = try Binary.run(local + ["-c", """
            create instance ddm-other with flavor=ddm.c6.large.2, nodes=2, vpc=v, subnet=s, security_group=g, az=[ap-southeast-1a] wait;
            use instance ddm-other;
            create schema tmp shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            drop schema tmp;
            """], home: home)
        #expect(setUp.status == 0, "\(setUp.stderr)")
        let listed = try Binary.run(local + ["--instance", "ddm-other", "-c", "show backups"], home: home).stdout
        let row = try #require(listed.split(separator: "\r\n").first { $0.contains(",metadata,") }, "\(listed)")
        let id = String(row.split(separator: ",")[0])
        for dry in [true, false] {
            let r = try Binary.run(local + (dry ? ["--dry-run"] : []) + ["--instance", "ddm-demo", "-c", "drop backup \(id)"], home: home)
            #expect(r.status == 1 && r.stderr.contains("is not a backup of instance ddm-demo"), "\(r.stdout)\(r.stderr)")
            #expect(dry == r.stderr.contains("would fail"), "\(r.stderr)")
        }
        #expect(try Binary.run(local + ["--instance", "ddm-other", "-c", "show backups"], home: home).stdout.contains(id))
        let own = try Binary.run(local + ["--instance", "ddm-other", "-c", "drop backup \(id)"], home: home)
        #expect(own.status == 0, "\(own.stderr)")
    }
}
