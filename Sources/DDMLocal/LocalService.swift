import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A running local DDM service. Start it with `LocalService.start(_:)`; it
/// listens on loopback HTTP until `stop()`.
public final class LocalService: Sendable {
    public let configuration: LocalServiceConfiguration
    /// `http://HOST:PORT`.
    public let url: String
    public let port: Int
    /// Set when the configuration had no credentials and some were generated.
    public let generatedCredentials: Bool
    private let faults: FaultInjector
    private let counter: TrafficCounter
    private let temporaryKeys: TemporaryKeys?
    private let group: ServiceGroup
    private let runner: Task<Void, Error>

    /// The AK, SK and static token the service accepts (configured or generated).
    public var accessKey: String? { configuration.accessKey }
    public var secretKey: String? { configuration.secretKey }
    public var staticToken: String? { configuration.staticToken }

    private init(configuration: LocalServiceConfiguration, url: String, port: Int, generated: Bool,
                 faults: FaultInjector, counter: TrafficCounter, temporaryKeys: TemporaryKeys?, group: ServiceGroup, runner: Task<Void, Error>) {
        self.configuration = configuration; self.url = url; self.port = port
        self.generatedCredentials = generated; self.faults = faults; self.counter = counter
        self.temporaryKeys = temporaryKeys; self.group = group; self.runner = runner
    }

    /// What the metadata routes answered (all zero when they are not served).
    public var metadataTraffic: MetadataTraffic { temporaryKeys?.traffic ?? MetadataTraffic() }
    /// The temporary keys issued and still held (access key, secret key, security token each), for
    /// tests that look for them where they must not be.
    public var issuedTemporarySecrets: [String] { temporaryKeys?.secrets ?? [] }

    /// Requests seen so far, counted at the gateway.
    public var traffic: Traffic { counter.snapshot }
    public func resetTraffic() { counter.reset() }

    /// Faults, latency and rate limit, changed while running.
    public var faultSettings: FaultSettings {
        get { faults.settings }
        set { faults.settings = newValue }
    }

    /// Every DDM call the service answers for `api`, one family per controller (IAM's token
    /// call is added apart: it is not DDM's).
    static func routeTable(_ api: ServedAPI) -> RouteTable {
        var routes = RouteTable()
        InstancesController.register(&routes)
        SchemasController.register(&routes)
        DataNodesController.register(&routes)
        ReshardController.register(&routes)
        BackupsController.register(&routes)
        AccountsController.register(&routes)
        CatalogController.register(&routes)
        AdminController.register(&routes)
        ParametersController.register(&routes)
        ObservabilityController.register(&routes)
        SchemaExtrasController.register(&routes)
        GroupsController.register(&routes)
        RestoreController.register(&routes)
        TemplatesController.register(&routes)
        LogsController.register(&routes)
        switch api {
        case .both: break
        case .v1: routes.filter { _, path in !path.hasPrefix("/v3") || path.hasPrefix("/v3/{project_id}/jobs/") }
        case .v3: routes.dropReplacedByV3()
        }
        return routes
    }

    public static func start(_ given: LocalServiceConfiguration, logger: Logger = Logger(label: "ddm-local")) async throws -> LocalService {
        var config = given
        let generated = !config.hasCredentials
        if generated {
            config.accessKey = "LOCAL" + WireID.hex32().prefix(15).uppercased()
            config.secretKey = WireID.hex32() + WireID.hex32().prefix(8)
            config.staticToken = "local-" + WireID.hex32()
        }
        let db = try StateDatabase.open(config.statePath)
        let settings = ServiceSettings(projectId: config.projectId, createDelay: config.createDelay, maxAccounts: config.maxAccounts,
                                       extraBasePermissions: config.extraBasePermissions)
        if config.seedDemoInstance { try seedDemo(db, settings: settings) }
        if config.failReshards > 0 {
            let failures = config.failReshards
            try await db.write { try $0.execute(sql: "INSERT OR REPLACE INTO knob (name, value) VALUES ('fail_reshards', ?)", arguments: [failures]) }
        }

        var routes = routeTable(config.api)
        routes.filter { method, path in !config.withdrawn.contains("\(method) \(path)") }
        IAMController.register(&routes, user: config.iamUser, password: config.iamPassword)
        let faults = FaultInjector(config.faults)
        let counter = TrafficCounter()
        let temporaryKeys = config.metadataKeyLifetime.map { TemporaryKeys(lifetime: $0, observer: config.metadataObserver) }
        let gateway = Gateway(routes: routes, db: db,
                              auth: Authentication(accessKey: config.accessKey, secretKey: config.secretKey, staticToken: config.staticToken,
                                                   temporaryKeys: temporaryKeys),
                              faults: faults, traffic: counter, settings: settings, maxBodyBytes: config.maxBodyBytes, logger: logger)

        let (portStream, portSink) = AsyncStream<Int>.makeStream()
        let clock = config.clock
        let responder = CallbackResponder<LocalContext> { request, context in
            try await respond(gateway, temporaryKeys, clock, request, context)
        }
        var quiet = logger
        quiet.logLevel = .warning
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: nil),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quiet))
        let runner = Task {
            defer { portSink.finish() }
            try await group.run()
        }
        var iterator = portStream.makeAsyncIterator()
        guard let port = await iterator.next() else {
            // The server stopped before listening: surface why.
            try await runner.value
            throw LocalServiceError.couldNotListen("\(config.host):\(config.port)")
        }
        let host = config.host.contains(":") ? "[\(config.host)]" : config.host
        return LocalService(configuration: config, url: "http://\(host):\(port)", port: port, generated: generated,
                            faults: faults, counter: counter, temporaryKeys: temporaryKeys, group: group, runner: runner)
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await runner.value
    }

    private static func respond(_ gateway: Gateway, _ temporaryKeys: TemporaryKeys?, _ clock: @Sendable () -> Date,
                                _ request: Request, _ context: LocalContext) async throws -> Response {
        if let temporaryKeys,
           let reply = MetadataController.handle(method: request.method.rawValue, path: request.uri.path, headers: headers(of: request),
                                                 now: clock().timeIntervalSince1970, keys: temporaryKeys) {
            return response(reply)
        }
        var request = request
        var body: [UInt8] = []
        var tooLarge = false
        do {
            var buffer = try await request.collectBody(upTo: gateway.maxBodyBytes)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            tooLarge = true
        }
        let incoming = Gateway.Incoming(
            method: request.method.rawValue, rawPath: request.uri.path, rawQuery: request.uri.query ?? "",
            headers: headers(of: request), body: body, bodyTooLarge: tooLarge)
        switch await gateway.handle(incoming, now: clock().timeIntervalSince1970) {
        case .drop:
            context.channel.close(mode: .all, promise: nil)
            throw LocalServiceError.dropped
        case .reply(let reply):
            return response(reply)
        }
    }

    private static func response(_ reply: Reply) -> Response {
        var headers = HTTPFields()
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    /// HTTP/1 `Host` arrives as the `:authority` pseudo-header; signing needs it back.
    private static func headers(of request: Request) -> [(String, String)] {
        var headers = request.headers.map { ($0.name.rawName, $0.value) }
        if let authority = request.head.authority { headers.append(("Host", authority)) }
        return headers
    }

    private static func seedDemo(_ db: any DatabaseWriter, settings: ServiceSettings) throws {
        try db.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instance") == 0 else { return }
            let body = #"{"instance":{"name":"ddm-demo","flavor_id":"\#(Catalog.flavors[0].id)","node_num":2,"engine_id":"\#(Catalog.engines[0].id)","available_zones":["ap-southeast-1a"],"vpc_id":"vpc-local","subnet_id":"subnet-local","security_group_id":"sg-local"}}"#
            var immediate = settings
            immediate.createDelay = 0
            let now = Date().timeIntervalSince1970
            _ = try InstancesController.create(Call(method: "POST", params: [:], query: [:], body: Array(body.utf8), now: now, settings: immediate), db)
            if let id = try String.fetchOne(db, sql: "SELECT id FROM instance WHERE name = 'ddm-demo'") {
                try TemplatesController.seedHistory(db, instance: id, name: "ddm-demo", now: now)
            }
        }
    }
}

public enum LocalServiceError: Error, CustomStringConvertible {
    case couldNotListen(String)
    case dropped
    public var description: String {
        switch self {
        case .couldNotListen(let address): "could not listen on \(address)"
        case .dropped: "connection dropped (injected fault)"
        }
    }
}

/// The request context: keeps the channel so a fault can drop the connection.
struct LocalContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
