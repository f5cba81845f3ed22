import Foundation

/// Per-user file locations (XDG on Linux): config, history, local state, learned pacing.
public enum DataPaths {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var home: String { environment["HOME"] ?? NSHomeDirectory() }

    public static var configDirectory: String {
        (environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config") + "/ddmsh"
    }
    public static var dataDirectory: String {
        (environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/share") + "/ddmsh"
    }
    public static var cacheDirectory: String {
        (environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.cache") + "/ddmsh"
    }
    public static var stateDirectory: String {
        (environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.local/state") + "/ddmsh"
    }
    /// One JSON line per write call (`DDMSH_AUDIT_LOG` or `--audit-log` moves it; `off` stops it).
    public static var auditLog: String { environment["DDMSH_AUDIT_LOG"].flatMap { $0.isEmpty ? nil : $0 } ?? stateDirectory + "/audit.log" }
    /// One journal per run that wrote, for `ddmsh undo`.
    public static var journalDirectory: String { environment["DDMSH_JOURNAL_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? stateDirectory + "/journal" }
    /// Rates learned from the service's throttling, per endpoint and credential (no secrets).
    public static var pacingFile: String { cacheDirectory + "/pacing.json" }
    public static var configFile: String { environment["DDMSH_CONFIG"] ?? configDirectory + "/config" }
    public static var historyFile: String { environment["DDMSH_HISTORY"] ?? dataDirectory + "/history" }
    public static var localState: String { dataDirectory + "/local.sqlite" }
}
