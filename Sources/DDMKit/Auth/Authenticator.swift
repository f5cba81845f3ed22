/// Adds credentials to a request just before it is sent (after every header
/// the request carries is set, since signing covers them).
public protocol Authenticator: Sendable {
    func authorize(_ request: inout HTTPRequestData) async throws
    /// Called after a 401: drop anything cached so the next call starts fresh.
    func invalidate() async
}

extension Authenticator {
    public func invalidate() async {}
}

/// A token given directly (`X-Auth-Token`).
public struct TokenAuthenticator: Authenticator {
    private let token: String
    public init(token: String) { self.token = token }

    public func authorize(_ request: inout HTTPRequestData) async throws {
        request.setHeader("X-Auth-Token", token)
    }
}
