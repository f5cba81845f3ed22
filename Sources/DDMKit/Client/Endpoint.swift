/// Where DDM lives: a region's public endpoint or an explicit URL.
public enum Endpoint: Sendable, Equatable {
    case region(String)
    case url(String)

    /// Regions `huaweicloudsdkddm` 3.1.219 knows (ddm-api.md §2).
    public static let knownRegions = [
        "eu-west-101", "cn-southwest-2", "cn-south-2", "cn-north-4", "cn-north-9", "cn-east-3", "cn-east-2",
        "cn-north-1", "cn-south-1", "ap-southeast-1", "la-north-2", "sa-brazil-1", "la-south-2",
        "my-kualalumpur-1", "ru-moscow-1", "ae-ad-1", "ap-southeast-3",
    ]

    static let iamRegions: Set<String> = [
        "cn-north-2", "cn-north-4", "cn-north-1", "cn-east-2", "cn-east-3", "cn-south-1", "cn-south-2",
        "cn-southwest-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "af-south-1",
        "sa-brazil-1", "la-south-2", "na-mexico-1", "la-north-2", "cn-north-9", "eu-west-0", "my-kualalumpur-1",
        "ru-moscow-1", "me-east-1", "ae-ad-1", "cn-east-4", "cn-east-5", "tr-west-1", "cn-north-12",
    ]

    /// The base URL, without a trailing slash. `environment` supplies the SDK's
    /// per-region override `HUAWEICLOUD_SDK_REGION_DDM_<REGION>`.
    public func baseURL(environment: [String: String] = [:]) throws -> String {
        switch self {
        case .url(let url):
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw DDMError.configuration("endpoint '\(url)' must start with https:// (or http:// for a local service)")
            }
            return url.hasSuffix("/") ? String(url.dropLast()) : url
        case .region(let region):
            let key = "HUAWEICLOUD_SDK_REGION_DDM_" + region.uppercased().replacingOccurrences(of: "-", with: "_")
            if let override = environment[key]?.split(separator: ",").first {
                return try Endpoint.url(String(override).trimmingCharacters(in: .whitespaces)).baseURL()
            }
            guard Self.knownRegions.contains(region) else {
                throw DDMError.configuration(
                    "unknown region '\(region)'; known: \(Self.knownRegions.joined(separator: ", ")) (or give --endpoint)")
            }
            if region == "eu-west-101" { return "https://ddm.eu-west-101.myhuaweicloud.eu" }
            return "https://ddm.\(region).myhuaweicloud.com"
        }
    }

    /// The IAM endpoint for password login in a region.
    public static func iamURL(region: String?) -> String {
        if let region, iamRegions.contains(region) { return "https://iam.\(region).myhuaweicloud.com" }
        return "https://iam.myhuaweicloud.com"
    }
}
