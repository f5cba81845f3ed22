import Foundation
import GRDB

/// The emulator's SQLite state: WAL on disk (or in memory), versioned migrations.
enum StateDatabase {
    static func open(_ location: String) throws -> any DatabaseWriter {
        var config = Configuration()
        config.busyMode = .timeout(5)
        let writer: any DatabaseWriter
        if location == ":memory:" {
            writer = try DatabaseQueue(configuration: config)
        } else {
            try refuseForeign(location)
            let url = URL(fileURLWithPath: location)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // The state holds password digests and token digests: private to its user, like a
            // credentials file. Created so before SQLite writes to it; its WAL files follow its mode.
            if !FileManager.default.fileExists(atPath: location) {
                FileManager.default.createFile(atPath: location, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            do {
                // DatabasePool puts the file in WAL mode.
                writer = try DatabasePool(path: location, configuration: config)
                for suffix in ["", "-wal", "-shm"] { chmod(location + suffix, 0o600) }
                try migrator.migrate(writer)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
                // Said in words, not as SQLite's error and the query it failed on; nothing was written to it.
                throw StateFileError(description: "\(location) is damaged (\(error.message ?? "SQLite error \(error.resultCode.rawValue)")); it was left as it is: move it aside to start with a fresh state, or give --state another file")
            }
            return writer
        }
        try migrator.migrate(writer)
        return writer
    }

    /// A file that is there and is not an SQLite database is refused before SQLite touches it:
    /// a start that fails must leave the user's file as it was.
    static func refuseForeign(_ location: String) throws {
        guard let handle = FileHandle(forReadingAtPath: location) else { return }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        guard !head.isEmpty, head != Data("SQLite format 3\0".utf8) else { return }
        throw StateFileError(description: "\(location) is not a state file of the local service (not an SQLite database); it was left as it is")
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE instance (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL,
                    settle_at REAL, settle_status TEXT,
                    flavor_id TEXT NOT NULL, flavor_ref TEXT NOT NULL, core_count TEXT NOT NULL, ram_capacity TEXT NOT NULL,
                    engine_id TEXT NOT NULL, engine_version TEXT NOT NULL, node_num INTEGER NOT NULL,
                    available_zones TEXT NOT NULL, vpc_id TEXT NOT NULL, subnet_id TEXT NOT NULL,
                    security_group_id TEXT NOT NULL, enterprise_project_id TEXT, time_zone TEXT NOT NULL,
                    admin_user_name TEXT, access_ip TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
                CREATE TABLE node (
                    node_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL REFERENCES instance(id) ON DELETE CASCADE,
                    group_id TEXT NOT NULL, name TEXT NOT NULL, ip TEXT NOT NULL, position INTEGER NOT NULL);
                CREATE TABLE schema (
                    instance_id TEXT NOT NULL REFERENCES instance(id) ON DELETE CASCADE, name TEXT NOT NULL,
                    shard_mode TEXT NOT NULL, shard_number INTEGER NOT NULL, shard_unit INTEGER NOT NULL,
                    status TEXT NOT NULL, settle_at REAL, settle_status TEXT,
                    used_rds TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,
                    PRIMARY KEY (instance_id, name));
                CREATE TABLE account (
                    instance_id TEXT NOT NULL REFERENCES instance(id) ON DELETE CASCADE, name TEXT NOT NULL,
                    password_hash TEXT NOT NULL, base_authority TEXT NOT NULL, extend_authority TEXT NOT NULL,
                    description TEXT NOT NULL, databases TEXT NOT NULL,
                    created INTEGER NOT NULL, password_last_changed INTEGER NOT NULL,
                    PRIMARY KEY (instance_id, name));
                CREATE TABLE job (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, instance_id TEXT NOT NULL, instance_name TEXT NOT NULL,
                    created REAL NOT NULL, done_at REAL NOT NULL);
                CREATE TABLE token (token TEXT PRIMARY KEY, user TEXT NOT NULL, expires REAL NOT NULL);
                """)
        }
        m.registerMigration("v2-admin") { db in
            try db.execute(sql: """
                ALTER TABLE instance ADD COLUMN port INTEGER NOT NULL DEFAULT 5066;
                ALTER TABLE instance ADD COLUMN ssl INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE instance ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE instance ADD COLUMN eip TEXT;
                ALTER TABLE instance ADD COLUMN parameters TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE instance ADD COLUMN previous_engine_version TEXT;
                CREATE TABLE process (
                    instance_id TEXT NOT NULL REFERENCES instance(id) ON DELETE CASCADE, kind TEXT NOT NULL, id TEXT NOT NULL,
                    user TEXT NOT NULL, host TEXT NOT NULL, db TEXT NOT NULL, command TEXT NOT NULL, time INTEGER NOT NULL,
                    state TEXT NOT NULL, info TEXT NOT NULL, position INTEGER NOT NULL,
                    PRIMARY KEY (instance_id, kind, id));
                CREATE TABLE process_seeded (instance_id TEXT PRIMARY KEY REFERENCES instance(id) ON DELETE CASCADE);
                ALTER TABLE account ADD COLUMN password_lifetime INTEGER;
                """)
        }
        m.registerMigration("v3-data-nodes") { db in
            try db.execute(sql: """
                CREATE TABLE read_weight (
                    instance_id TEXT NOT NULL REFERENCES instance(id) ON DELETE CASCADE, rds_id TEXT NOT NULL,
                    weight INTEGER NOT NULL, PRIMARY KEY (instance_id, rds_id));
                """)
        }
        m.registerMigration("v4-reshard") { db in
            try db.execute(sql: """
                CREATE TABLE migration (
                    job_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL REFERENCES instance(id) ON DELETE CASCADE,
                    db_name TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, since REAL NOT NULL,
                    switch_begin TEXT, switch_end TEXT, original_shards INTEGER NOT NULL, new_shards INTEGER NOT NULL,
                    original_dn TEXT NOT NULL, after_dn TEXT NOT NULL, request TEXT NOT NULL, results TEXT NOT NULL,
                    passed INTEGER NOT NULL, cleaned INTEGER NOT NULL DEFAULT 0, fail_reason TEXT,
                    log TEXT NOT NULL DEFAULT '[]', created REAL NOT NULL, ended REAL);
                CREATE TABLE knob (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                """)
        }
        m.registerMigration("v5-backups") { db in
            // No reference to the instance: a backup outlives it (one is made when it is deleted).
            try db.execute(sql: """
                CREATE TABLE backup (
                    id TEXT PRIMARY KEY, instance_id TEXT NOT NULL, instance_name TEXT NOT NULL, kind TEXT NOT NULL,
                    description TEXT NOT NULL, created REAL NOT NULL, deleted INTEGER NOT NULL DEFAULT 0);
                """)
        }
        m.registerMigration("v6-schema-extras") { db in
            try db.execute(sql: "ALTER TABLE schema ADD COLUMN sql_blacklist TEXT NOT NULL DEFAULT '{}'")
        }
        m.registerMigration("v7-groups") { db in
            // A row per group, made when first asked for (an instance's first group is its nodes' group).
            try db.execute(sql: """
                CREATE TABLE instance_group (
                    id TEXT PRIMARY KEY, instance_id TEXT NOT NULL REFERENCES instance(id) ON DELETE CASCADE,
                    name TEXT NOT NULL, role TEXT NOT NULL, is_default INTEGER NOT NULL, endpoint_ip TEXT NOT NULL,
                    flavor_ref TEXT NOT NULL, acl_enabled INTEGER NOT NULL DEFAULT 0, acl_type TEXT, acl_id TEXT, acl_name TEXT,
                    acl_ips TEXT NOT NULL DEFAULT '[]', position INTEGER NOT NULL);
                ALTER TABLE instance ADD COLUMN eip_id TEXT;
                """)
        }
        m.registerMigration("v8-restore") { db in
            // The schemas and accounts a metadata backup holds (JSON, `Snapshot`).
            try db.execute(sql: "ALTER TABLE backup ADD COLUMN snapshot TEXT")
        }
        m.registerMigration("v9-parameter-templates") { db in
            // The templates move from the catalogue into the state, so they can be made, changed
            // and deleted; the built-in ones are rows that refuse change.
            try db.execute(sql: """
                CREATE TABLE parameter_template (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, user_defined INTEGER NOT NULL,
                    parameter_values TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
                CREATE TABLE template_apply (
                    config_id TEXT NOT NULL, instance_id TEXT NOT NULL, instance_name TEXT NOT NULL, result TEXT NOT NULL,
                    applied_at REAL NOT NULL, error TEXT NOT NULL DEFAULT '');
                """)
            for t in Catalog.templates {
                try db.execute(sql: "INSERT INTO parameter_template VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [t.id, t.name, t.description, t.userDefined, JSONColumn.encode(t.values), 1_704_067_200, 1_704_067_200])
            }
        }
        m.registerMigration("v10-logs") { db in
            try db.execute(sql: """
                CREATE TABLE process_audit (
                    instance_id TEXT NOT NULL, instance_name TEXT NOT NULL, process_id TEXT NOT NULL, user TEXT NOT NULL, at REAL NOT NULL);
                CREATE TABLE tmlog (
                    node_id TEXT PRIMARY KEY, instance_id TEXT NOT NULL REFERENCES instance(id) ON DELETE CASCADE,
                    size REAL NOT NULL, files TEXT NOT NULL DEFAULT '[]');
                """)
        }
        return m
    }
}

extension Database {
    /// Finishes every transition whose time has come (CREATING → RUNNING, …):
    /// state moves lazily, at the next request, so no timers are needed.
    func settle(now: Double) throws {
        try execute(sql: "DELETE FROM schema WHERE settle_at <= ? AND settle_status = 'GONE'", arguments: [now])
        try execute(sql: "UPDATE instance SET status = settle_status, settle_at = NULL, settle_status = NULL, updated = ? WHERE settle_at <= ?", arguments: [now, now])
        try execute(sql: "UPDATE schema SET status = settle_status, settle_at = NULL, settle_status = NULL WHERE settle_at <= ?", arguments: [now])
    }
}

/// The local service's state file cannot be used.
public struct StateFileError: Error, CustomStringConvertible {
    public var description: String
}
