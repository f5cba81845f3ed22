import Foundation

/// The instance administration calls' answers (nodes, flavor, parameters, network, slow queries,
/// processes, tasks, engine versions), field for field from the SDK's models
/// (`huaweicloudsdkddm` 3.1.219, `v1/model/`). Every key is read in both spellings.

/// Scale out, scale in, node restart, flavor change, port, read-only, EIP, engine version:
/// each answers a job (v2 `jobId`, v3 `job_id`).
public struct JobAnswer: Decodable, Sendable, Equatable {
    public var jobId: String?
    public var orderId: String?
    public var instanceId: String?

    public init(jobId: String? = nil, orderId: String? = nil, instanceId: String? = nil) {
        self.jobId = jobId; self.orderId = orderId; self.instanceId = instanceId
    }

    /// Some calls answer an untyped object (`update_instance_port`, `switch_ssl`): whatever it
    /// is, the call succeeded.
    public init(from decoder: Decoder) throws {
        enum Key: String, CodingKey { case jobId, orderId, instanceId }
        guard let c = try? decoder.container(keyedBy: Key.self) else { return }
        jobId = c.text(.jobId)
        orderId = c.text(.orderId)
        instanceId = c.text(.instanceId)
    }
}

/// One parameter of an instance (`ConfigurationParameterList`).
public struct Parameter: Decodable, Sendable, Equatable {
    public var name: String
    public var value: String?
    /// A string in the SDK (`"true"`/`"false"` or `"1"`/`"0"`); see `requiresRestart`.
    public var needRestart: String?
    public var readOnly: String?
    /// Free text in the SDK; `ParameterRange` reads the forms it knows.
    public var valueRange: String?
    public var dataType: String?
    public var description: String?

    public init(name: String, value: String? = nil, needRestart: String? = nil, readOnly: String? = nil,
                valueRange: String? = nil, dataType: String? = nil, description: String? = nil) {
        self.name = name; self.value = value; self.needRestart = needRestart; self.readOnly = readOnly
        self.valueRange = valueRange; self.dataType = dataType; self.description = description
    }

    public var requiresRestart: Bool { ParameterRange.truthy(needRestart) }
    public var isReadOnly: Bool { ParameterRange.truthy(readOnly) }
}

/// `show_instance_param`.
public struct ParameterPage: Decodable, Sendable {
    public var id: String?
    public var name: String?
    public var configurationParameter: [Parameter]
    public var offset: Int?
    public var limit: Int?
    public var total: Int?
}

/// `modify_configuration` (v3.1: `need_restart`) and `update_instance_param` (v3: `needRestart`,
/// `jobId`).
public struct ParameterChangeResult: Decodable, Sendable, Equatable {
    public var needRestart: Bool?
    public var jobId: String?
    public init(needRestart: Bool? = nil, jobId: String? = nil) { self.needRestart = needRestart; self.jobId = jobId }
}

/// A parameter template (`ConfigurationInfo`).
public struct ParameterTemplate: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var datastoreName: String?
    public var created: String?
    public var updated: String?
    public var userDefined: Bool?
}

public struct ParameterTemplatePage: Decodable, Sendable {
    public var configurations: [ParameterTemplate]
    public var total: Int?
    public var offset: Int?
    public var limit: Int?
}

/// `show_configuration`: a template with its values.
public struct ParameterTemplateDetail: Decodable, Sendable, Equatable {
    public struct Value: Decodable, Sendable, Equatable {
        public var name: String
        public var value: String?
        public var restartRequired: Bool?
        public var readonly: Bool?
        public var valueRange: String?
        public var type: String?
        public var description: String?
    }
    public var id: String
    public var name: String
    public var datastoreName: String?
    public var description: String?
    public var configurationParameters: [Value]?
}

/// One slow query (`SlowLogs`); times and counts are strings in the SDK.
public struct SlowQuery: Decodable, Sendable, Equatable {
    public var users: String?
    public var database: String?
    public var querySample: String?
    public var logTime: String?
    /// Milliseconds, as a string.
    public var time: String?
    public var shards: String?
    public var nodeId: String?
    public var rowsExamined: String?
    public var host: String?
}

public struct SlowQueryPage: Decodable, Sendable {
    public var totalRecord: Int?
    public var slowLogList: [SlowQuery]
}

/// A session on the DDM nodes (`LogicalProcessInfo`).
public struct LogicalProcess: Decodable, Sendable, Equatable {
    public var id: String
    public var user: String?
    public var host: String?
    public var db: String?
    public var command: String?
    /// Seconds, as a string.
    public var time: String?
    public var state: String?
    public var info: String?
}

public struct LogicalProcessPage: Decodable, Sendable {
    public var logicalProcesses: [LogicalProcess]
    public var totalCount: Int?
}

/// A session on the data nodes (`PhysicalProcessInfo`): id and times are numbers here.
public struct PhysicalProcess: Decodable, Sendable, Equatable {
    public var id: Int
    public var user: String?
    public var host: String?
    public var db: String?
    public var state: String?
    public var command: String?
    public var info: String?
    public var time: Int?
    public var trxExecutedTime: Int?
}

public struct PhysicalProcessPage: Decodable, Sendable {
    public var physicalProcesses: [PhysicalProcess]
    public var totalCount: Int?
}

public struct KillResult: Decodable, Sendable, Equatable {
    public var resp: String?
}

/// A task of the project (`JobItem`).
public struct TaskItem: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var status: String?
    public var createdTime: String?
    public var endTime: String?
    public var process: String?
    public var instanceName: String?
    public var instanceId: String?
    public var databaseName: String?
    public var failReason: String?
    /// What the job allows next (`JobItem.operations`: `toBeSwitched`, `toBeCleaned`, …), for
    /// the jobs that have a say (shard configuration).
    public var operations: [String]?
}

public struct TaskPage: Decodable, Sendable {
    public var jobs: [TaskItem]
    public var offset: Int?
    public var limit: Int?
    public var total: Int?
}

/// `list_database_available_versions`.
public struct EngineVersions: Decodable, Sendable, Equatable {
    public var versions: [String]?
    public var currentVersion: String?
    public var latestVersion: String?
    public var currentFavoredVersion: String?
    public var previousVersion: String?
}

/// What a parameter's `value_range` allows, in the forms it is known to take: `min-max`
/// (numbers), and lists separated by `,` or `|`. Anything else is not understood, and the
/// service is left to judge the value.
public enum ParameterRange: Sendable, Equatable {
    case numbers(Double, Double)
    case oneOf([String])
    case unknown

    public init(_ text: String?) {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { self = .unknown; return }
        let dash = text.dropFirst().firstIndex(of: "-")
        if let dash, let low = Double(text[..<dash].trimmingCharacters(in: .whitespaces)),
           let high = Double(text[text.index(after: dash)...].trimmingCharacters(in: .whitespaces)) {
            self = .numbers(low, high); return
        }
        for separator in [",", "|"] where text.contains(separator) {
            self = .oneOf(text.split(separator: Character(separator)).map { $0.trimmingCharacters(in: .whitespaces) }); return
        }
        self = .unknown
    }

    /// Nil when `value` is allowed (or the range is not understood); otherwise why not.
    public func problem(with value: String) -> String? {
        switch self {
        case .unknown: return nil
        case .numbers(let low, let high):
            guard let n = Double(value) else { return "must be a number from \(Self.text(low)) to \(Self.text(high))" }
            return (low...high).contains(n) ? nil : "must be from \(Self.text(low)) to \(Self.text(high))"
        case .oneOf(let values):
            return values.contains(where: { $0.caseInsensitiveCompare(value) == .orderedSame }) ? nil
                : "must be one of \(values.joined(separator: ", "))"
        }
    }

    static func text(_ n: Double) -> String { n == n.rounded() ? String(Int64(n)) : String(n) }

    static func truthy(_ s: String?) -> Bool { ["true", "1", "yes"].contains((s ?? "").lowercased()) }
}
