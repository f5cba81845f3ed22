/// Which generation of DDM's API the client calls (docs/client.md, "API versions").
public enum APIVersionChoice: String, Sendable, CaseIterable {
    /// v3 where the SDK has a v3 call; the older call for an operation the endpoint answers with
    /// the gateway's "API does not exist", learned once per operation and endpoint.
    case auto
    /// v3 only: an operation v3 cannot express fails with the reason.
    case v3
    /// The v1/v2 call of every operation that has one. Calls ddmsh knows in v3 only (instance
    /// administration) are not affected.
    case v1

    public static let names = allCases.map(\.rawValue).joined(separator: ", ")
}

extension DDMError {
    /// The gateway's answer for a call it does not route (`APIGW.0101`: 404 for the path, 405
    /// for the method on a path it routes otherwise): this endpoint does not serve the call at
    /// all. A 404 from DDM itself (a missing instance) carries a `DBS.` code.
    public var isMissingAPI: Bool { (status == 404 || status == 405) && code == "APIGW.0101" }
}
