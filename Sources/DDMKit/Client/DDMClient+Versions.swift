/// Choosing between an operation's v3 call and its older one (docs/client.md, "API versions").
extension DDMClient {
    /// Runs the operation in the version the configuration and the endpoint call for.
    /// - Parameters:
    ///   - v3: the v3 form, nil when v3 cannot express this request (`gap` says why).
    ///   - older: the v1/v2 form.
    ///   - autoMayUseOlder: false when `auto` must not fall back to the older call for a request v3
    ///     cannot express, because what that call writes v3's reads would not show.
    func versioned<T>(_ id: DDMOperationID, gap: String? = nil, autoMayUseOlder: Bool = true,
                      v3: (() async throws -> T)?, older: () async throws -> T) async throws -> T {
        switch configuration.apiVersion {
        case .v1:
            return try await older()
        case .v3:
            guard let v3 else { throw Self.noV3(id, gap, autoWould: autoMayUseOlder) }
            return try await v3()
        case .auto:
            guard let v3 else {
                guard autoMayUseOlder else { throw Self.noV3(id, gap, autoWould: false) }
                return try await older()
            }
            switch await router.route(id) {
            case .older: return try await older()
            case .v3: return try await v3()
            case .probe:
                do {
                    let result = try await v3()
                    await router.settle(id, missing: false)
                    return result
                } catch let error as DDMError {
                    await router.settle(id, missing: Self.tellsWhetherServed(error))
                    guard error.isMissingAPI else { throw error }
                    return try await older()
                } catch {
                    await router.settle(id, missing: nil)
                    throw error
                }
            }
        }
    }

    /// True for the gateway's "no such API", false for an answer from DDM itself (the call is
    /// routed, so v3 exists), nil when the answer says neither (throttle, auth, network).
    static func tellsWhetherServed(_ error: DDMError) -> Bool? {
        if error.isMissingAPI { return true }
        guard error.kind == .http, let code = error.code, !code.hasPrefix("APIGW"), !code.hasPrefix("APIG.") else { return nil }
        return false
    }

    /// A request only the v3 call can express, where the older one is all there is.
    static func onlyV3(_ id: DDMOperationID, _ what: String) -> DDMError {
        DDMError(kind: .invalidRequest, message: "\(id.route().name) with \(what) needs DDM's v3 API, which is not used here "
                     + "(--api-version v1, or this endpoint has no v3 \(id.route().name))", operation: id.route().name)
    }

    static func noV3(_ id: DDMOperationID, _ gap: String?, autoWould: Bool) -> DDMError {
        DDMError(kind: .invalidRequest,
                 message: "\(id.route().name) with \(gap ?? "this request") has no v3 call; only DDM's v1 API can do it "
                     + (autoWould ? "(use --api-version v1 or auto)" : "(use --api-version v1)"),
                 operation: id.route().name)
    }
}
