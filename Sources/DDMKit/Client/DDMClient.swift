import Foundation
import Logging
import Synchronization

/// The typed DDM client: every v1 operation, with auth, retries, a shared
/// adaptive pacer, pagination and the service's error model.
public final class DDMClient: Sendable {
    public static let version = "0.1"
    public static let userAgent = "ddmsh/\(version)"
    /// The official SDK release whose request models every request was checked against.
    public static let checkedSDK = "3.1.219"
    /// How long an endpoint that could not be reached is tried only once per call.
    static let downWindow: Duration = .seconds(30)

    public let configuration: DDMConfiguration
    public let api: DDMAPI
    /// The adaptive limiter every call of this client goes through; nil when pacing is off.
    public let pacer: Pacer?
    /// The pace this client starts at, learned in an earlier run (calls per minute, and how many
    /// seconds ago): a slowed start the shell says on a terminal. Nil when it starts unpaced.
    public let learnedPace: (callsPerMinute: Double, age: TimeInterval)?
    /// `https://host[:port]`: where calls go.
    public let baseURL: String
    private let transport: any HTTPTransport
    private let authenticator: any Authenticator
    let logger: Logger
    private let stats = CallCounter()
    /// For `auto`: which calls this endpoint serves only in their older version.
    let router: APIRouter
    /// When a call last gave up on an endpoint it could not connect to: later calls try once
    /// while it stays down, so `--on-error continue` through a dead endpoint takes a second, not
    /// a second per statement.
    private let endpointDown = Mutex<ContinuousClock.Instant?>(nil)
    /// DDM's weak-password verdicts this client has had (`isWeakPassword`).
    let passwordVerdicts = PasswordVerdicts()

    public init(configuration: DDMConfiguration, authenticator: any Authenticator,
                transport: (any HTTPTransport)? = nil, logger: Logger = Logger(label: "ddmkit")) throws {
        guard Self.isValidProjectId(configuration.projectId) else {
            throw DDMError.configuration("project id must be 32 hex characters (got \(configuration.projectId.count) characters)")
        }
        self.configuration = configuration
        self.api = DDMAPI(projectId: configuration.projectId)
        self.baseURL = try configuration.endpoint.baseURL(environment: configuration.environment)
        self.transport = transport ?? AsyncHTTPTransport(
            connectTimeout: configuration.connectTimeout, readTimeout: configuration.readTimeout,
            verifyTLS: configuration.verifyTLS)
        self.authenticator = authenticator
        self.logger = logger
        // The memory file is read once: the pacer and the router both start from it.
        let remembered = configuration.endpointMemory?.load() ?? [:]
        let paceKey = EndpointMemory.key(endpoint: baseURL, projectId: configuration.projectId, identity: authenticator.identity)
        if case .adaptive = configuration.pacing {
            self.learnedPace = configuration.endpointMemory?.learned(for: paceKey, in: remembered)
        } else {
            self.learnedPace = nil
        }
        self.pacer = Self.makePacer(configuration, learnedPace?.callsPerMinute, key: paceKey, logger: logger)
        self.router = Self.makeRouter(configuration, remembered, baseURL: baseURL, logger: logger)
    }

    private static func makeRouter(_ configuration: DDMConfiguration, _ remembered: [String: EndpointMemory.Entry],
                                   baseURL: String, logger: Logger) -> APIRouter {
        let memory = configuration.endpointMemory
        let key = EndpointMemory.apiKey(endpoint: baseURL)
        let known = configuration.apiVersion == .auto ? memory?.olderOnly(for: key, in: remembered) ?? [] : []
        if !known.isEmpty {
            logger.debug("api: older calls for \(known.map(\.rawValue).sorted().joined(separator: ", ")), learned in an earlier run")
        }
        let noOlder = configuration.apiVersion == .auto ? memory?.withoutOlder(for: key, in: remembered) ?? [] : []
        return APIRouter(olderOnly: known, withoutOlder: noOlder, remember: { id in
            logger.debug("api: this endpoint has no v3 \(id.route().name); using the older call from now on")
            memory?.rememberOlderOnly(id, for: key)
        }, rememberNoOlder: { id in
            logger.debug("api: this endpoint has no older \(id.route().name); using v3 from now on")
            memory?.rememberNoOlder(id, for: key)
        })
    }

    /// Operations this client has learned to send in their older version (`auto` only).
    public func olderOnlyOperations() async -> Set<DDMOperationID> { await router.olderOnly }

    private static func makePacer(_ configuration: DDMConfiguration, _ learned: Double?, key: String, logger: Logger) -> Pacer? {
        guard case .adaptive(let cap, let concurrency) = configuration.pacing else { return nil }
        let memory = configuration.endpointMemory
        if let learned { logger.debug("pacing: starting at \(PacingLog.perMinute(learned)) calls/min, learned in an earlier run") }
        let settings = PacingState.Settings(maxConcurrency: concurrency, cap: cap.map { $0 / 60 })
        return Pacer(settings: settings, learned: learned.map { $0 / 60 }) { change in
            logger.debug("pacing: \(PacingLog.describe(change))")
            if change.worthKeeping { memory?.remember(change.to * 60, for: key) }
        }
    }

    /// The current pace in calls per minute; nil while calls are not paced.
    public func pace() async -> Double? { await pacer?.callsPerMinute }

    static func isValidProjectId(_ id: String) -> Bool {
        id.count == 32 && id.allSatisfy { $0.isHexDigit }
    }

    /// Requests sent so far (every attempt), by method; for reports and benchmarks.
    public func callCounts() async -> CallCounter.Snapshot { await stats.snapshot() }

    /// Runs one operation with retries and decodes its answer; a write is recorded in the audit log.
    public func send<R>(_ operation: DDMOperation<R>) async throws -> R {
        if operation.method != "GET", !operation.checksOnly { try configuration.audit?.ensureWritable() }
        let started = ContinuousClock.now
        var attempts = 0
        do {
            let (result, response) = try await sendWithRetries(operation, started: started, attempts: &attempts)
            audit(operation, started: started, attempts: attempts, status: response.status, requestId: response.requestId, error: nil)
            return result
        } catch {
            let e = error as? DDMError
            audit(operation, started: started, attempts: attempts, status: e?.status, requestId: e?.requestId, error: error)
            throw error
        }
    }

    private func sendWithRetries<R>(_ operation: DDMOperation<R>, started: ContinuousClock.Instant,
                                    attempts: inout Int) async throws -> (R, HTTPResponseData) {
        var attempt = 1
        var reauthenticated = false
        var previous: DDMError?
        while true {
            attempts += 1
            do {
                let response = try await sendOnce(operation, deadline: started + configuration.retry.throttleDeadline)
                endpointDown.withLock { $0 = nil }
                return (try decode(R.self, response, operation: operation.name), response)
            } catch let cut as DDMError {
                // A retry the deadline cut short says nothing new: the error it retried is the news.
                let error = cut.isDeadline ? previous ?? cut : cut
                previous = error
                if error.isUnreachable, attempt == 1 {
                    let now = ContinuousClock.now
                    // Already found down a moment ago: the quick retries were spent then.
                    if endpointDown.withLock({ $0.map { now - $0 < Self.downWindow } ?? false }) { throw error }
                }
                if error.status == 401, !reauthenticated {
                    // A cached token may have been revoked early; one fresh login is worth a try.
                    reauthenticated = true
                    await authenticator.invalidate()
                    continue
                }
                let elapsed = ContinuousClock.now - started
                switch configuration.retry.decide(error, attempt: attempt, elapsed: elapsed,
                                                  repeatability: operation.repeatability, paced: pacer != nil) {
                case .fail:
                    if error.isUnreachable { endpointDown.withLock { $0 = ContinuousClock.now } }
                    if cut.isDeadline && !error.isDeadline { throw error.afterRetries(attempt, elapsed) }
                    // A throttle ends a call only at its deadline: say so even after one long try.
                    throw attempt > 1 || error.isThrottled ? error.afterRetries(attempt, elapsed) : error
                case .retry(let wait):
                    logger.debug("retrying \(operation.name) after \(wait): \(error)")
                    try await Task.sleep(for: wait)
                case .verifyThenRetry(let wait):
                    try await Task.sleep(for: wait)
                    if case .create(let check) = operation.repeatability,
                       let found = try? await check(self), let done = found as? R {
                        logger.debug("\(operation.name): the object exists after an ambiguous failure; not repeating")
                        return (done, HTTPResponseData(status: 200, headers: [], body: []))
                    }
                }
                attempt += 1
            }
        }
    }

    /// Writes only (reads change nothing); bodies with every secret masked.
    private func audit<R>(_ operation: DDMOperation<R>, started: ContinuousClock.Instant, attempts: Int,
                          status: Int?, requestId: String?, error: Error?) {
        guard let sink = configuration.audit, operation.method != "GET", !operation.checksOnly else { return }
        let context = AuditContext.current
        let elapsed = ContinuousClock.now - started
        let ms = Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
        let host = URLComponents(string: baseURL)?.host ?? baseURL
        sink.record(AuditRecord(
            time: ISO8601DateFormatter().string(from: Date()), profile: configuration.profile, endpointHost: host,
            project: configuration.projectId, instance: context?.instance, operation: operation.name,
            target: operation.method + " " + operation.path, before: context?.before,
            after: context?.after ?? operation.body.map(Redaction.body).flatMap { $0.isEmpty ? nil : $0 },
            outcome: Self.auditOutcome(error), httpStatus: status,
            errorCode: (error as? DDMError)?.code, requestId: requestId, durationMs: ms, attempts: attempts))
    }

    /// `ok`; `failed` when the write certainly changed nothing (or the service said why);
    /// `unknown` when it was sent and its answer lost (a dropped connection, a timeout, a 5xx).
    public static func auditOutcome(_ error: Error?) -> String {
        guard let error else { return "ok" }
        guard let e = error as? DDMError else { return error is CancellationError ? "unknown" : "failed" }
        return !e.certainlyNotApplied && (e.kind == .transport || e.isServerError) ? "unknown" : "failed"
    }

    /// A turn from the pacer, or an error once the call's deadline passes while it waits: a pace
    /// slowed by throttles (a long Retry-After) holds calls back, and the deadline bounds that too.
    private func acquire(_ pacer: Pacer, by deadline: ContinuousClock.Instant, operation: String) async throws -> Pacer.Ticket {
        let turn: Pacer.Ticket? = try await withThrowingTaskGroup(of: Pacer.Ticket?.self) { group in
            group.addTask { try await pacer.acquire() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            // Nil: the deadline came first.
            let first = try await group.next() ?? nil
            group.cancelAll()
            if first == nil {
                // A turn granted as the deadline passed is given back, not leaked from the window.
                while let late = try? await group.next() { if let late { await pacer.finish(late, .other) } }
            }
            return first
        }
        guard let granted = turn else {
            throw DDMError(kind: .invalidRequest, message: "not sent: the pace learned from the service's throttling held \(operation) past the call's deadline (--call-deadline)",
                           operation: operation)
        }
        return granted
    }

    private func sendOnce<R>(_ operation: DDMOperation<R>, deadline: ContinuousClock.Instant) async throws -> HTTPResponseData {
        var ticket: Pacer.Ticket?
        if let pacer { ticket = try await acquire(pacer, by: deadline, operation: operation.name) }
        do {
            let response = try await exchange(operation, deadline: deadline)
            if let pacer, let ticket { await pacer.finish(ticket, .success) }
            return response
        } catch let error as DDMError {
            if let pacer, let ticket {
                // Any other answer passed the gateway's budget as a success does.
                let outcome: Pacer.Outcome = error.isThrottled ? .throttled(retryAfter: error.retryAfter)
                    : error.kind == .http ? .success : .other
                await pacer.finish(ticket, outcome)
            }
            throw error
        } catch {
            if let pacer, let ticket { await pacer.finish(ticket, .other) }
            throw error
        }
    }

    private func exchange<R>(_ operation: DDMOperation<R>, deadline: ContinuousClock.Instant) async throws -> HTTPResponseData {
        var request = HTTPRequestData(method: operation.method, baseURL: baseURL, path: operation.path,
                                      query: operation.query, body: operation.body)
        request.deadline = deadline
        request.setHeader("Content-Type", operation.body == nil ? "application/json" : "application/json;charset=utf-8")
        request.setHeader("User-Agent", Self.userAgent)
        request.setHeader("Host", request.authority)
        try await authenticator.authorize(&request)
        let started = ContinuousClock.now
        if logger.logLevel <= .debug { logRequest(request) }
        await stats.record(operation.method)
        await CallCounter.scoped?.record(operation.method)
        let response: HTTPResponseData
        do {
            response = try await transport.send(request)
        } catch var error as DDMError {
            error.operation = operation.name
            logger.debug("✗ \(operation.name): \(error.message)")
            throw error
        }
        if logger.logLevel <= .debug { logResponse(response, elapsed: ContinuousClock.now - started) }
        guard (200..<300).contains(response.status) else {
            var error = ErrorBody.decode(status: response.status, body: response.body,
                                         requestId: response.requestId, operation: operation.name)
            error.retryAfter = RetryPolicy.parseRetryAfter(response.header("Retry-After"))
            throw error
        }
        return response
    }

    private func decode<R: Decodable>(_ type: R.Type, _ response: HTTPResponseData, operation: String) throws -> R {
        try Self.read(R.self, response, operation: operation, logger: logger)
    }

    /// An answer as DDMKit reads it: strictly, then leniently (`LenientJSON`).
    static func read<R: Decodable>(_ type: R.Type, _ response: HTTPResponseData, operation: String,
                                  logger: Logger = Logger(label: "ddmkit")) throws -> R {
        let body = response.body.isEmpty ? Array("{}".utf8) : response.body
        do {
            return try JSONDecoder.ddm.decode(R.self, from: Data(body))
        } catch let strict {
            if R.self == Empty.self, let empty = Empty() as? R { return empty }
            // The sources disagree on shapes; the lenient reading settles those (LenientJSON).
            let failure: Error
            do {
                let read = try LenientJSON.decode(R.self, from: Data(body))
                logger.debug("\(operation): the answer read leniently (\(Self.describe(strict)))")
                return read
            } catch {
                // Why the lenient reading failed is the error worth showing: the strict one may
                // name a shape the lenient reading accepts.
                failure = (error as? DecodingError) == nil ? strict : error
            }
            throw DDMError(kind: .decoding, status: response.status,
                           message: "could not read the answer: \(Self.describe(failure))", requestId: response.requestId,
                           operation: operation)
        }
    }

    /// A decoding error in a line: what is wrong and where (`nodes[0].nodeId`).
    static func describe(_ error: Error) -> String {
        func path(_ p: [CodingKey]) -> String {
            p.reduce("") { s, k in k.intValue.map { s + "[\($0)]" } ?? (s.isEmpty ? k.stringValue : s + "." + k.stringValue) }
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let c)?: return "no \(path(c.codingPath + [key]))"
        case .valueNotFound(_, let c)?: return "\(path(c.codingPath)) is null"
        case .typeMismatch(_, let c)?: return "\(path(c.codingPath)): \(c.debugDescription)"
        case .dataCorrupted(let c)?: return "not JSON\(c.codingPath.isEmpty ? "" : " at " + path(c.codingPath))"
        default: return "\(error)"
        }
    }

    private func logRequest(_ request: HTTPRequestData) {
        let headers = Redaction.headers(request.headers)
        let version = request.path.split(separator: "/").first.map { "[\($0)] " } ?? ""
        logger.debug("→ \(version)\(request.method) \(request.url) [\(headers)] \(Redaction.body(request.body ?? []))")
    }

    private func logResponse(_ response: HTTPResponseData, elapsed: Duration) {
        logger.debug("← \(response.status) in \(elapsed) request-id=\(response.requestId ?? "-") \(Redaction.body(response.body))")
    }
}

extension JSONDecoder {
    static let ddm: JSONDecoder = {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }()
}

/// Counts requests by method; GETs are reads, everything else a write.
public actor CallCounter {
    public struct Snapshot: Sendable, Equatable {
        public var reads: Int
        public var writes: Int
        public var total: Int { reads + writes }
    }
    private var reads = 0
    private var writes = 0

    public init() {}

    /// Counts the calls made in a task and its children alone, besides the client's count: a
    /// fleet's targets share one client, and a batch's "API calls" are its own target's.
    @TaskLocal public static var scoped: CallCounter?

    func record(_ method: String) { if method == "GET" { reads += 1 } else { writes += 1 } }
    public func snapshot() -> Snapshot { Snapshot(reads: reads, writes: writes) }
}
