import Foundation

/// Network and access (port, SSL, read-only, EIP, administrator) and engine versions.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let settings: [DDMOperationID] = [.modifyPort, .switchSSL, .setReadOnly, .bindEIP, .unbindEIP, .resetAdministrator, .listEngineVersions, .upgradeEngine, .rollbackEngine, .showRiskInfo]

    public static let modifyPort = DDMOperationID("modifyPort", sdk: "update_instance_port", v3: nil) { api, at in
        Routes(api.modifyPort(instance: at.instance, port: 0))
    }

    public static let switchSSL = DDMOperationID("switchSSL", sdk: "switch_ssl", v3: nil) { api, at in
        Routes(api.switchSSL(instance: at.instance, on: true))
    }

    public static let setReadOnly = DDMOperationID("setReadOnly", sdk: "set_read_only_status", v3: nil) { api, at in
        Routes(api.setReadOnly(instance: at.instance, on: true))
    }

    public static let bindEIP = DDMOperationID("bindEIP", sdk: "bind_eip", v3: nil) { api, at in
        Routes(api.bindEIP(instance: at.instance, ip: "", id: ""))
    }

    public static let unbindEIP = DDMOperationID("unbindEIP", sdk: "unbind_eip", v3: nil) { api, at in
        Routes(api.unbindEIP(instance: at.instance))
    }

    public static let resetAdministrator = DDMOperationID("resetAdministrator", sdk: "reset_administrator", v3: nil) { api, at in
        Routes(api.resetAdministrator(instance: at.instance, name: "", password: ""))
    }

    public static let showRiskInfo = DDMOperationID("showRiskInfo", sdk: "show_risk_info", v3: nil) { api, at in
        Routes(api.showRiskInfo(instance: at.instance))
    }

    public static let listEngineVersions = DDMOperationID("listEngineVersions", sdk: "list_database_available_versions", v3: nil) { api, at in
        Routes(api.listEngineVersions(instance: at.instance))
    }

    public static let upgradeEngine = DDMOperationID("upgradeEngine", sdk: "change_database_version", v3: nil) { api, at in
        Routes(api.upgradeEngine(instance: at.instance, to: ""))
    }

    public static let rollbackEngine = DDMOperationID("rollbackEngine", sdk: "roll_back_database_version", v3: nil) { api, at in
        Routes(api.rollbackEngine(instance: at.instance))
    }
}

extension DDMAPI {
    private struct PortBody: Encodable { var port: Int }

    private struct SSLBody: Encodable { var ssl_enabled: Bool }

    private struct ReadOnlyBody: Encodable { var readonly: Bool }

    private struct EIPBody: Encodable { var public_ip: String; var public_ip_id: String }

    private struct AdminBody: Encodable { var name: String; var password: String }

    public func modifyPort(instance: String, port: Int) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "change port", method: "PUT", path: v3("instances", instance, "port"),
                     body: JSONBody.encode(PortBody(port: port)), repeatability: .safe)
    }

    public func switchSSL(instance: String, on: Bool) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "switch ssl", method: "POST", path: v3("instances", instance, "switch-ssl"),
                     body: JSONBody.encode(SSLBody(ssl_enabled: on)), repeatability: .safe)
    }

    public func setReadOnly(instance: String, on: Bool) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "set read-only", method: "PUT", path: v3("instances", instance, "readonly-status"),
                     body: JSONBody.encode(ReadOnlyBody(readonly: on)), repeatability: .safe)
    }

    public func bindEIP(instance: String, ip: String, id: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "bind eip", method: "POST", path: v3("instances", instance, "eip"),
                     body: JSONBody.encode(EIPBody(public_ip: ip, public_ip_id: id)), repeatability: .once)
    }

    public func unbindEIP(instance: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "unbind eip", method: "DELETE", path: v3("instances", instance, "eip"), repeatability: .safe)
    }

    /// `reset_administrator`: the instance's administrator account and its new password.
    /// The SDK's answer is empty; the API reference's examples carry a `job_id`, read when there.
    public func resetAdministrator(instance: String, name: String, password: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "reset administrator", method: "PUT", path: v3("instances", instance, "admin-user"),
                     body: JSONBody.encode(AdminBody(name: name, password: password)), repeatability: .safe)
    }

    /// `show_risk_info`: no query, no body; answers `ShowRiskInfoResponse.risks`.
    public func showRiskInfo(instance: String) -> DDMOperation<EngineRisks> {
        DDMOperation(name: "show risk info", method: "GET", path: v3("instances", instance, "show-risk-info"), repeatability: .safe)
    }

    public func listEngineVersions(instance: String) -> DDMOperation<EngineVersions> {
        DDMOperation(name: "list engine versions", method: "GET",
                     path: v3("instances", instance, "database-version", "available-versions"), repeatability: .safe)
    }

    private struct VersionBody: Encodable { var target_version: String }

    public func upgradeEngine(instance: String, to version: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "upgrade engine", method: "POST", path: v3("instances", instance, "database-version", "change-version"),
                     body: JSONBody.encode(VersionBody(target_version: version)), repeatability: .once)
    }

    public func rollbackEngine(instance: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "roll back engine", method: "POST", path: v3("instances", instance, "database-version", "rollback-version"),
                     repeatability: .once)
    }
}

extension DDMClient {
    /// Ports outside 1–65535 are refused before sending; DDM's own range is the service's to say.
    @discardableResult
    public func modifyPort(instance: String, port: Int) async throws -> JobAnswer {
        guard (1...65535).contains(port) else { throw DDMError.invalid("port must be from 1 to 65535 (got \(port))") }
        return try await send(api.modifyPort(instance: instance, port: port))
    }
    @discardableResult
    public func switchSSL(instance: String, on: Bool) async throws -> JobAnswer { try await send(api.switchSSL(instance: instance, on: on)) }
    @discardableResult
    public func setReadOnly(instance: String, on: Bool) async throws -> JobAnswer { try await send(api.setReadOnly(instance: instance, on: on)) }
    @discardableResult
    public func bindEIP(instance: String, ip: String, id: String) async throws -> JobAnswer {
        try await send(api.bindEIP(instance: instance, ip: ip, id: id))
    }
    @discardableResult
    public func unbindEIP(instance: String) async throws -> JobAnswer { try await send(api.unbindEIP(instance: instance)) }
    @discardableResult
    public func resetAdministrator(instance: String, name: String, password: String) async throws -> JobAnswer {
        try await send(api.resetAdministrator(instance: instance, name: name, password: password))
    }
    /// The risks of the engine version an instance runs, each with the upgrade advice that ends it.
    public func engineRisks(instance: String) async throws -> [EngineRisk] { try await send(api.showRiskInfo(instance: instance)).risks ?? [] }
    public func engineVersions(instance: String) async throws -> EngineVersions { try await send(api.listEngineVersions(instance: instance)) }
    public func upgradeEngine(instance: String, to version: String) async throws -> JobAnswer {
        try await send(api.upgradeEngine(instance: instance, to: version))
    }
    public func rollbackEngine(instance: String) async throws -> JobAnswer { try await send(api.rollbackEngine(instance: instance)) }
}

/// `ShowRiskInfoResponse` (SDK model `Risks`): what the running engine version risks.
public struct EngineRisks: Decodable, Sendable { public var risks: [EngineRisk]? }

public struct EngineRisk: Decodable, Sendable, Equatable {
    public var engineName: String?
    public var engineVersion: String?
    /// The SDK says "risk level" and no more; ddmsh shows the number as it comes.
    public var level: Int?
    /// Why to upgrade.
    public var suggest: String?
    /// What the upgrade does to the service.
    public var influence: String?
    public var guidance: String?
    public var serviceImpactDuration: String?
    public var upgradeDuration: String?
}
