import DDMKit

extension StatementID {
    static let showBackups = StatementID("showBackups"), showBackup = StatementID("showBackup"), dropBackup = StatementID("dropBackup")
}

/// An instance's backups (docs/language.md, "Backups and restore"): DDM makes them by itself; they can be
/// listed, looked at and deleted.
enum BackupStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showBackups, topic: "backups", path: ["show", "backups"],
                       grammar: "show backups;  (DDM backs up each instance's metadata daily at 02:00 UTC and at key operations)",
                       example: "show backups;", needsInstance: true, operations: [.listBackups]),
        StatementEntry(.showBackup, topic: "backups", path: ["show", "backup"], grammar: "show backup <id>;  (and the data nodes it covers)",
                       example: "show backup 0a1b2c3d4e5f60718293a4b5c6d7e8f9br09;", needsInstance: true,
                       operations: [.showBackup]),
        StatementEntry(.dropBackup, topic: "backups", path: ["drop", "backup"], grammar: "drop backup <id> [wait];  (asks in the REPL)",
                       example: "drop backup 0a1b2c3d4e5f60718293a4b5c6d7e8f9br09;", words: ["wait"],
                       needsInstance: true, operations: [.showBackup, .deleteBackup, .showJob]),
    ]
    static let rules = [
        ParseRule("show backups", { _ in
            PlainRead(.showBackups, "show backups", calls: [PlannedCall(.listBackups, "list the instance's backups, every page")]) { e in
                let all = try await e.client.allBackups(instance: try await e.instanceId())
                await e.sink.message("DDM backs up each instance's metadata at 02:00 UTC every day and at key operations (a schema deleted, "
                                     + "a shard configuration cleaned, the instance deleted), keeps them 30 days, and takes none on demand "
                                     + "(OTC user guide, \"Backup Principles\", \"Restoring Metadata\")")
                return [ResultTable(columns: ["id", "type", "status", "created", "size_kb", "description"], rows: all.map { b in
                    [b.id, b.backupType ?? "", b.status ?? "", b.created ?? "", b.fileSize.map { String(format: "%.1f", $0) } ?? "", b.description ?? ""]
                }, kinds: [.text, .text, .text, .text, .number, .text])]
            }
        }),
        show.rule,
        drop.rule,
    ]

    /// show backup <id>
    static let show = NameStatementForm(.showBackup, "show backup", noun: "backup id",
                                        calls: { backup, _ in [PlannedCall(.showBackup, "show backup", object: backup)] }) { e, s in
        let instance = try await e.instanceId()
        let d: BackupDetail
        do { d = try await e.client.showBackup(instance: instance, backup: s.name) } catch let error as DDMError where error.isNotFound {
            throw EvaluationError("backup \(s.name) is not a backup of instance \(e.currentInstanceName ?? instance) (see 'show backups;')", kind: .notFound, focus: s.name)
        }
        await e.sink.table(ResultTable(columns: ["backup", "instance", "data nodes"], rows: [[
            d.id ?? s.name, d.instanceName ?? d.instanceId ?? "", (d.relatedDataNodes ?? []).map { $0.instanceName ?? $0.instanceId ?? "?" }.joined(separator: ", "),
        ]], kinds: [.text, .text, .list]))
        return nil
    }

    /// drop backup <id> [wait]
    static let drop = NameStatementForm(.dropBackup, "drop backup", noun: "backup id", waits: true, calls: { backup, wait in
        [PlannedCall(.showBackup, "is it a backup of this instance", object: backup), PlannedCall(.deleteBackup, "delete backup", object: backup)]
            + (wait ? [PlannedCall(.showJob, "poll the job until it ends")] : [])
    }, question: { "delete backup \($0)? (it cannot be restored from after)" }) { e, s in
        let instance = try await e.instanceId()
        let client = e.client, backup = s.name
        // The delete call names the backup alone (any instance's): it is first read as a backup
        // of this instance, as `show backup` reads it, so another instance's is never deleted
        // and the audit names the instance it belongs to. A dry run makes the same read.
        do {
            _ = try await client.showBackup(instance: instance, backup: backup)
        } catch let error as DDMError where error.isNotFound {
            throw e.refusal(EvaluationError("backup \(backup) is not a backup of instance \(e.currentInstanceName ?? instance) (see 'show backups;'); nothing was deleted", kind: .notFound, focus: backup))
        }
        let write = Write(summary: "delete backup \(backup)", question: s.question, journal: .change(instance, "deleted backup \(backup)")) {
            try await client.deleteBackup(backup)
        }
        guard let job = try await e.perform(write) else { return nil }
        // The backup goes away, not the instance: `wait` follows the job alone.
        try await e.reportJob(job, doing: "deleting backup \(backup)", done: "deleted backup \(backup)", wait: s.wait, on: nil,
                              operation: "delete backup \(backup)")
        return "deleted backup \(backup)"
    }
}
