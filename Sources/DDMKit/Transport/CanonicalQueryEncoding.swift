import DDMSigning

/// The wire query is the signer's canonical query, so a signed request and the
/// URL sent can never disagree.
enum CanonicalQueryEncoding {
    static func encode(_ items: [(String, String)]) -> String { CanonicalRequest.query(items) }
    static func segment(_ s: String) -> String { PercentEncoding.encode(s) }
}
