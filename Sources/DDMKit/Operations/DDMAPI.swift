/// Request builders: each DDM call as a `DDMOperation` value (method, path, query, body), one
/// function each, declared in its family's `…Operations.swift` next to the operation's entry
/// and typed call. The client's typed methods are thin wrappers over these.
public struct DDMAPI: Sendable {
    public let projectId: String

    public init(projectId: String) { self.projectId = projectId }

    func v1(_ rest: String...) -> String { PathBuilder.path(["v1", projectId] + rest) }
    func v2(_ rest: String...) -> String { PathBuilder.path(["v2", projectId] + rest) }
    func v3(_ rest: String...) -> String { PathBuilder.path(["v3", projectId] + rest) }
    func v31(_ rest: String...) -> String { PathBuilder.path(["v3.1", projectId] + rest) }
}

/// A v3 builder returns nil when v3 cannot express the request (docs/client.md, "API
/// versions"); the client then needs the older call.
extension DDMAPI {
    /// Why a request has no v3 form, or nil when it has one.
    public enum V3Gap {
        static let hardRestart = "a hard restart (v3 restart takes no type)"
        static let shardUnit = "a shard unit v3 cannot express: uneven, or one shard per data node (v3 create schema has no shard_unit and needs more shards than data nodes)"
        static let extended = "extended privileges (fulltable…; v3 accounts have no extend_authority)"
        static let lifetime = "a password lifetime (only v3 accounts have password_lifetime)"
        static let engineAndFlavor = "an engine id and flavor id without their version and code"
    }
}

extension PathBuilder {
    static func path(_ segments: [String]) -> String {
        "/" + segments.map { CanonicalQueryEncoding.segment($0) }.joined(separator: "/")
    }
}

public struct NameResult: Decodable, Sendable, Equatable {
    public var name: String?
    /// v3's rename answers a job (`UpdateDdmInstanceNameResponse.job_id`); v1's the name.
    public var jobId: String?
    public init(name: String? = nil, jobId: String? = nil) { self.name = name; self.jobId = jobId }
}
public struct SecurityGroupResult: Decodable, Sendable, Equatable { public var securityGroupId: String? }
