import Foundation
import Testing

/// Restores against the local service: a schema dropped by mistake comes back onto another
/// instance from the backup its drop made; a dry run says what the target would lose and changes
/// nothing.
@Suite struct RestoreTests {
    static func local(_ home: String) -> [String] {
        ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0", "--output", "csv"]
    }

    static func setUp(_ home: String) throws {
        let r = try Binary.run(local(home) + ["-c", """
            create schema shop shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            create user app password 'App_pass_12!' with SELECT on shop;
            create instance ddm-copy with flavor=ddm.c6.large.2, nodes=2, vpc=vpc-1, subnet=subnet-1, security_group=sg-1, az=[ap-southeast-1a] wait;
            """], home: home)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func aDroppedSchemaComesBackFromTheBackupItsDropMade() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Self.setUp(home)
        #expect(try Binary.run(Self.local(home) + ["-c", "drop schema shop"], home: home).status == 0)
        let listed = try Binary.run(Self.local(home) + ["-c", "show backups"], home: home).stdout
        let row = try #require(listed.split(separator: "\r\n").first { $0.contains("schema shop was deleted") }, "\(listed)")
        let id = String(row.split(separator: ",")[0])
        let restored = try Binary.run(Self.local(home) + ["-c", "restore metadata to instance ddm-copy from backup \(id) data nodes rds-archive wait"], home: home)
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect((restored.stdout + restored.stderr).contains("ddm-copy: takes the schemas and accounts of then"), "\(restored.stdout)")
        let schemas = try Binary.run(Self.local(home) + ["-c", "use instance ddm-copy; show schemas; show users"], home: home).stdout
        #expect(schemas.contains("shop,cluster,2,RUNNING,rds-archive"), "\(schemas)")
        #expect(schemas.contains("app,SELECT,shop"), "\(schemas)")
        // The source stays as it was: the schema is still gone there.
        #expect(!(try Binary.run(Self.local(home) + ["-c", "show schemas"], home: home).stdout.contains("shop")))
    }

    @Test func aDryRunSaysWhatTheTargetLosesAndChangesNothing() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Self.setUp(home)
        let dry = try Binary.run(Self.local(home) + ["--dry-run", "-c", "restore to instance ddm-copy at 'now' map rds-orders to rds-archive"], home: home)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect((dry.stdout + dry.stderr).contains("rds-archive (") && (dry.stdout + dry.stderr).contains("overwritten with rds-orders's data as of then; what it holds now is lost"), "\(dry.stdout)")
        #expect((dry.stdout + dry.stderr).contains("dry run: would restore ddm-demo as of 'now' onto ddm-copy"), "\(dry.stdout)")
        let after = try Binary.run(Self.local(home) + ["-c", "use instance ddm-copy; show schemas"], home: home).stdout
        #expect(!after.contains("shop"), "\(after)")
        // Two restores onto one target: the run would find it filled by the first, and so does the dry run.
        let twice = try Binary.run(Self.local(home) + ["--dry-run", "-c", """
            restore to instance ddm-copy at 'now' map rds-orders to rds-archive;
            restore to instance ddm-copy at 'now' map rds-orders to rds-billing;
            """], home: home)
        #expect(twice.status == 1 && twice.stderr.contains("would fail: ddm-copy cannot be restored onto: an earlier restore of this run fills it"),
                "\(twice.stdout)\(twice.stderr)")
    }
}
