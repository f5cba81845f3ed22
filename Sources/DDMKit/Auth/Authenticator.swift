/// Adds credentials to a request just before it is sent (after every header
/// the request carries is set, since signing covers them).
public protocol Authenticator: Sendable {
    func authorize(_ request: inout HTTPRequestData) async throws
    /// Called after a 401: drop anything cached so the next call starts fresh.
    func invalidate() async
    /// Who the credential is, without any secret (an access key id, a user name): what a learned
    /// rate limit belongs to.
    var identity: String { get }
}

extension Authenticator {
    public func invalidate() async {}
    public var identity: String { "" }
}

/// A token given directly (`X-Auth-Token`).
public struct TokenAuthenticator: Authenticator {
    private let token: String
    public init(token: String) { self.token = token }
    // Tokens change hourly; the budget is the user's, which a token does not name.
    public var identity: String { "token" }

    public func authorize(_ request: inout HTTPRequestData) async throws {
        request.setHeader("X-Auth-Token", token)
    }
}
