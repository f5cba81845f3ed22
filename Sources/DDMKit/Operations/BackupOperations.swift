import Foundation

/// Backups: DDM backs up each instance's metadata by itself (daily at 02:00 UTC, and at key
/// operations); they can be listed, looked at and deleted (OTC's API reference, "Backup
/// Management"; user guide, "Backup Principles"). v3 only.
extension DDMOperationID {
    static let backups: [DDMOperationID] = [.listBackups, .showBackup, .deleteBackup]

    public static let listBackups = DDMOperationID("listBackups", sdk: "list_backups", v3: nil) { api, at in
        Routes(api.listBackups(instance: at.instance))
    }
    public static let showBackup = DDMOperationID("showBackup", sdk: "show_backup", v3: nil) { api, at in
        Routes(api.showBackup(instance: at.instance, backup: at.object ?? "{backup_id}"))
    }
    public static let deleteBackup = DDMOperationID("deleteBackup", sdk: "delete_backup", v3: nil) { api, at in
        Routes(api.deleteBackup(at.object ?? "{backup_id}"))
    }
}

extension DDMAPI {
    /// `list_backups`: the project's backups, here asked for one instance (`instance_id`); `limit`
    /// 1 to 128, 10 when not given.
    public func listBackups(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<BackupPage> {
        DDMOperation(name: "list backups", method: "GET", path: v3("backups"),
                     query: [("instance_id", instance)] + pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func showBackup(instance: String, backup: String) -> DDMOperation<BackupDetail> {
        DDMOperation(name: "show backup", method: "GET", path: v3("instances", instance, "backups", backup), repeatability: .safe)
    }

    public func deleteBackup(_ backup: String) -> DDMOperation<JobOnly> {
        DDMOperation(name: "delete backup", method: "DELETE", path: v3("backups", backup), repeatability: .safe)
    }
}

extension DDMClient {
    public func allBackups(instance: String) async throws -> [Backup] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listBackups(instance: instance, offset: offset, limit: limit))
            return (p.backups ?? [], p.total)
        }
    }
    public func showBackup(instance: String, backup: String) async throws -> BackupDetail {
        try await send(api.showBackup(instance: instance, backup: backup))
    }
    @discardableResult
    public func deleteBackup(_ backup: String) async throws -> String? { try await send(api.deleteBackup(backup)).jobId }
}

/// `ListBackupsResponse`.
public struct BackupPage: Decodable, Sendable {
    public var backups: [Backup]?
    public var total: Int?
}

/// `BackupInfo`: `backup_type` `auto_metadata` (the daily one) or `metadata` (at a key operation);
/// `file_size` in KB.
public struct Backup: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var description: String?
    public var status: String?
    public var instanceId: String?
    public var instanceName: String?
    public var fileSize: Double?
    public var created: String?
    public var backupType: String?
}

/// `ShowBackupResponse`: the backup and the data nodes it covers.
public struct BackupDetail: Decodable, Sendable, Equatable {
    public struct DataNode: Decodable, Sendable, Equatable { public var instanceId: String?; public var instanceName: String? }
    public var id: String?
    public var name: String?
    public var instanceId: String?
    public var instanceName: String?
    public var relatedDataNodes: [DataNode]?
}
