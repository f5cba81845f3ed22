import Foundation
import Testing

/// The schema metadata file's failure modes: a path that cannot be written, and files that are not
/// metadata (binary, truncated, empty), each a clear error that sends nothing.
@Suite struct SchemaMetadataFileTests {
    @Test func badPathsAndBadFilesAreRefusedAndSendNothing() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let made = try Binary.run(local + ["-c", "create schema shop shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!'"], home: home)
        #expect(made.status == 0, "\(made.stderr)")

        let unwritable = try Binary.run(local + ["-c", "export schema metadata to '\(home)/no/such/dir/meta.json'"], home: home)
        #expect(unwritable.status == 1 && unwritable.stderr.contains("cannot write \(home)/no/such/dir/meta.json") && unwritable.stderr.contains("nothing was written"),
                "\(unwritable.stderr)")

        // A dry run writes no file: one that is there stays as it was, and no new one appears.
        let keep = home + "/keep.json"
        try Data("kept".utf8).write(to: URL(fileURLWithPath: keep))
        for path in [keep, home + "/new.json"] {
            let dry = try Binary.run(local + ["--dry-run", "-c", "export schema metadata to '\(path)'"], home: home)
            #expect(dry.status == 0 && dry.stdout.contains("dry run: would write the schema metadata"), "\(dry.stdout)\(dry.stderr)")
        }
        #expect(try String(contentsOfFile: keep, encoding: .utf8) == "kept")
        #expect(!FileManager.default.fileExists(atPath: home + "/new.json"))

        let binary = home + "/binary.json", truncated = home + "/truncated.json", empty = home + "/empty.json"
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: URL(fileURLWithPath: binary))
        try Data(#"{"compressed_databases_info": "abc"#.utf8).write(to: URL(fileURLWithPath: truncated))
        try Data().write(to: URL(fileURLWithPath: empty))
        for file in [binary, truncated, empty] {
            let r = try Binary.run(local + ["-c", "import schema metadata from '\(file)' admin user root password 'Rds_Admin_1!'"], home: home)
            #expect(r.status == 1 && r.stderr.contains("is not a schema metadata file") && r.stderr.contains("nothing was imported"), "\(file): \(r.stderr)")
        }
        // A file the service did not pack is refused by it, and the instance keeps its one schema.
        let foreign = home + "/foreign.json"
        try Data(#"{"compressed_databases_info": "bm90IG1ldGFkYXRh", "data_nodes": []}"#.utf8).write(to: URL(fileURLWithPath: foreign))
        let refused = try Binary.run(local + ["-c", "import schema metadata from '\(foreign)'"], environment: ["DDM_RDS_PASSWORD": "Rds_Admin_1!"], home: home)
        #expect(refused.status == 1 && refused.stderr.contains("DBS.280001"), "\(refused.stderr)")
        let schemas = try Binary.run(local + ["-c", "show schemas"], home: home).stdout
        #expect(schemas.contains("(1 row)"), "\(schemas)")
    }
}

/// The documented way back from an unbind: import an export made before it. The schemas the
/// instance still has are taken as they are; the unbound one comes back.
@Suite struct ImportAfterUnbindTests {
    @Test func anUnboundSchemaComesBackWhileTheOthersStay() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0", "--output", "csv"]
        let env = ["DDM_RDS_PASSWORD": "Rds_Admin_1!"]
        let r = try Binary.run(local + ["-c", """
            create schema orders shards 2 on rds rds-orders admin user root password env DDM_RDS_PASSWORD;
            create schema billing shards 2 on rds rds-billing admin user root password env DDM_RDS_PASSWORD;
            export schema metadata to '\(home)/m.json';
            alter schema billing unbind;
            import schema metadata from '\(home)/m.json';
            show schemas;
            """], environment: env, home: home)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let schemas = try Binary.run(local + ["-c", "show schemas"], home: home).stdout
        #expect(schemas.contains("orders,") && schemas.contains("billing,"), "\(schemas)")
    }
}
