/// The one error DDMKit throws: from the service, the gateway, the network,
/// or a client-side check that stopped a request before it was sent.
public struct DDMError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The service or gateway answered with an error status.
        case http
        /// No answer: connection refused or dropped, timeout.
        case transport
        /// Rejected on the client before sending (a named rule).
        case invalidRequest
        /// The answer could not be read.
        case decoding
        /// Bad client configuration (missing project, unknown region, …).
        case configuration
    }

    public var kind: Kind
    public var status: Int?
    /// `errCode` (DDM) or `error_code` (gateway), e.g. `DBS.300327`, `APIGW.0308`.
    public var code: String?
    public var message: String
    public var requestId: String?
    /// The DDM operation, e.g. `modify account`.
    public var operation: String?
    /// Seconds the server asked to wait (`Retry-After`).
    public var retryAfter: Double?
    /// No connection could be made: the request was never sent, so it certainly changed nothing.
    public var isUnreachable = false
    /// The record a write promises (its audit line) could not be kept, so the write was not sent:
    /// every later write would meet the same refusal.
    public var isRecordNotKept = false
    /// The call's deadline (`--call-deadline`) ended the exchange before the answer was whole.
    public var isDeadline = false

    public init(kind: Kind, status: Int? = nil, code: String? = nil, message: String,
                requestId: String? = nil, operation: String? = nil, retryAfter: Double? = nil) {
        self.kind = kind; self.status = status; self.code = code; self.message = message
        self.requestId = requestId; self.operation = operation; self.retryAfter = retryAfter
    }

    public static func transport(_ message: String) -> DDMError { DDMError(kind: .transport, message: message) }
    public static func unreachable(_ message: String) -> DDMError {
        var e = DDMError(kind: .transport, message: message)
        e.isUnreachable = true
        return e
    }
    public static func invalid(_ message: String) -> DDMError { DDMError(kind: .invalidRequest, message: message) }
    public static func configuration(_ message: String) -> DDMError { DDMError(kind: .configuration, message: message) }

    public var isClientError: Bool { (status ?? 0) >= 400 && (status ?? 0) < 500 }
    /// The write certainly changed nothing: the service refused it (4xx), the client stopped it
    /// before sending, or no connection was made. A dropped connection, a timeout or a 5xx leave
    /// it unknown.
    public var certainlyNotApplied: Bool {
        isClientError || kind == .invalidRequest || kind == .configuration || isUnreachable
    }
    public var isServerError: Bool { (status ?? 0) >= 500 }
    public var isNotFound: Bool {
        status == 404 || code == "DBS.300327" || code == "DBS.300129" || code == "DBS.300400"
    }
    /// 409 `DBS.200019`/`DBS.212033`: another operation is running on the instance.
    public var isInstanceBusy: Bool { code == "DBS.200019" || code == "DBS.212033" }
    public var isThrottled: Bool { status == 429 || code == "APIGW.0308" || code == "APIG.0308" }

    /// The same error, saying how long the client kept trying.
    func afterRetries(_ attempts: Int, _ elapsed: Duration) -> DDMError {
        var e = self
        e.message += " (gave up after \(attempts) \(attempts == 1 ? "try" : "tries") in \(PacingLog.seconds(elapsed)))"
        return e
    }

    /// One line for a terminal: what failed, the service's words, and the ids to quote to support.
    public var description: String {
        var text = message
        var detail: [String] = []
        if let code { detail.append(code) }
        if let status { detail.append("HTTP \(status)") }
        if !detail.isEmpty { text += " (\(detail.joined(separator: ", ")))" }
        var context: [String] = []
        if let operation { context.append(operation) }
        if let requestId { context.append("request \(requestId)") }
        if kind == .transport && !isUnreachable { text = "network error: " + text }
        if !context.isEmpty { text += " [\(context.joined(separator: ", "))]" }
        return text
    }
}

extension DDMError {
    /// An answer that read, but without the one thing the call is for (`{"job": null}`).
    static func emptyAnswer(_ operation: String, _ what: String) -> DDMError {
        DDMError(kind: .decoding, message: "the service's answer did not include \(what)", operation: operation)
    }
}
