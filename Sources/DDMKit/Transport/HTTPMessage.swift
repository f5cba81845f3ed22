/// A request as DDMKit builds it, before and after authentication.
public struct HTTPRequestData: Sendable {
    public var method: String
    /// `scheme://host[:port]` with no trailing slash.
    public var baseURL: String
    /// The resource path, each segment already percent-encoded.
    public var path: String
    /// Decoded query pairs; sent in the signer's canonical (sorted) order.
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// When the whole exchange must have ended, the body's last byte included (`--call-deadline`);
    /// nil leaves it to the transport's timeouts.
    public var deadline: ContinuousClock.Instant?

    public init(method: String, baseURL: String, path: String, query: [(String, String)] = [],
                headers: [(String, String)] = [], body: [UInt8]? = nil) {
        self.method = method; self.baseURL = baseURL; self.path = path
        self.query = query; self.headers = headers; self.body = body
    }

    /// `host[:port]` as the `Host` header carries it.
    public var authority: String {
        var rest = Substring(baseURL)
        if let r = rest.range(of: "://") { rest = rest[r.upperBound...] }
        return String(rest.split(separator: "/", maxSplits: 1).first ?? rest)
    }

    public var url: String {
        let q = CanonicalQueryEncoding.encode(query)
        return baseURL + path + (q.isEmpty ? "" : "?" + q)
    }

    public func header(_ name: String) -> String? {
        headers.last { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.caseInsensitiveCompare(name) == .orderedSame }
        headers.append((name, value))
    }
}

public struct HTTPResponseData: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status; self.headers = headers; self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.last { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    public var requestId: String? { header("X-Request-Id") }
}

/// Sends one HTTP request; the only thing DDMKit needs from a network stack.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestData) async throws -> HTTPResponseData
}
