import Foundation
import Logging

/// The typed DDM client: every v1 operation, with auth, retries, a shared
/// rate limiter, pagination and the service's error model.
public final class DDMClient: Sendable {
    public static let userAgent = "ddmsh/0.1"

    public let configuration: DDMConfiguration
    public let api: DDMAPI
    public let limiter: RateLimiter?
    private let baseURL: String
    private let transport: any HTTPTransport
    private let authenticator: any Authenticator
    private let logger: Logger
    private let stats = CallCounter()

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
        self.limiter = configuration.rateLimit.map { RateLimiter(callsPerMinute: $0, burst: configuration.rateBurst) }
        self.logger = logger
    }

    static func isValidProjectId(_ id: String) -> Bool {
        id.count == 32 && id.allSatisfy { $0.isHexDigit }
    }

    /// Requests sent so far (every attempt), by method; for reports and benchmarks.
    public func callCounts() async -> CallCounter.Snapshot { await stats.snapshot() }

    /// Runs one operation with retries and decodes its answer.
    public func send<R>(_ operation: DDMOperation<R>) async throws -> R {
        var attempt = 1
        var reauthenticated = false
        while true {
            do {
                let response = try await sendOnce(operation)
                return try decode(R.self, response, operation: operation.name)
            } catch let error as DDMError {
                if error.status == 401, !reauthenticated {
                    // A cached token may have been revoked early; one fresh login is worth a try.
                    reauthenticated = true
                    await authenticator.invalidate()
                    continue
                }
                switch configuration.retry.decide(error, attempt: attempt, repeatability: operation.repeatability) {
                case .fail:
                    throw error
                case .retry(let wait):
                    logger.debug("retrying \(operation.name) after \(wait): \(error)")
                    try await Task.sleep(for: wait)
                case .verifyThenRetry(let wait):
                    try await Task.sleep(for: wait)
                    if case .create(let check) = operation.repeatability,
                       let found = try? await check(self), let done = found as? R {
                        logger.debug("\(operation.name): the object exists after an ambiguous failure; not repeating")
                        return done
                    }
                }
                attempt += 1
            }
        }
    }

    private func sendOnce<R>(_ operation: DDMOperation<R>) async throws -> HTTPResponseData {
        if let limiter { try await limiter.acquire() }
        var request = HTTPRequestData(method: operation.method, baseURL: baseURL, path: operation.path,
                                      query: operation.query, body: operation.body)
        request.setHeader("Content-Type", operation.body == nil ? "application/json" : "application/json;charset=utf-8")
        request.setHeader("User-Agent", Self.userAgent)
        request.setHeader("Host", request.authority)
        try await authenticator.authorize(&request)
        let started = ContinuousClock.now
        if logger.logLevel <= .debug { logRequest(request) }
        await stats.record(operation.method)
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
        let body = response.body.isEmpty ? Array("{}".utf8) : response.body
        do {
            return try JSONDecoder.ddm.decode(R.self, from: Data(body))
        } catch {
            if R.self == Empty.self, let empty = Empty() as? R { return empty }
            throw DDMError(kind: .decoding, status: response.status,
                           message: "could not read the answer: \(error)", requestId: response.requestId,
                           operation: operation)
        }
    }

    private func logRequest(_ request: HTTPRequestData) {
        let headers = request.headers.map { "\($0.0): \(Redaction.header($0.0, $0.1))" }.joined(separator: "; ")
        logger.debug("→ \(request.method) \(request.url) [\(headers)] \(Redaction.body(request.body ?? []))")
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

    func record(_ method: String) { if method == "GET" { reads += 1 } else { writes += 1 } }
    func snapshot() -> Snapshot { Snapshot(reads: reads, writes: writes) }
}
