import DDMKit
import DDMLanguage
import Foundation

/// The clients a fleet across regions reaches its regions with (`on instances … in regions (…)`).
/// A region is reached through the profile whose `region` is that region: its endpoint, project
/// (project ids differ per region) and credentials; the session's own region needs none. Each
/// region is connected once per run, with a client, and so a pacer, of its own: each region has its
/// own endpoint; whether DDM counts its per-user limit per region, the sources read here do not say.
actor RegionClients {
    private let connection: ConnectionOptions
    private let environment: [String: String]
    private let session: Session
    private var made: [String: Session] = [:]

    init(connection: ConnectionOptions, environment: [String: String], session: Session) {
        self.connection = connection; self.environment = environment; self.session = session
    }

    func client(for region: String) async throws -> DDMClient {
        if region == session.region { return session.client }
        if let known = made[region] { return known.client }
        let profiles = (Profile.file(at: DataPaths.configFile)?.profiles.values.filter { $0.region == region } ?? []).sorted { $0.name < $1.name }
        guard let profile = profiles.first else {
            throw EvaluationError("no profile for region \(region): add one with region = \(region), its endpoint, project_id and credentials (docs/shell.md, \"Profiles\")")
        }
        guard profiles.count == 1 else {
            throw EvaluationError("profiles \(profiles.map(\.name).joined(separator: ", ")) all have region \(region): keep one, so a fleet knows which to use")
        }
        var o = connection
        o.profile = profile.name
        o.endpoint = nil
        o.region = nil
        o.projectId = nil
        o.instance = nil
        o.local = false
        let connected = try await Session.connect(o, environment: environment, warn: { StandardStreams.err("ddmsh: \($0)\n") })
        made[region] = connected
        return connected.client
    }
}
