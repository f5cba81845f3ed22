import Foundation
import Testing
@testable import DDMLocal

/// Every operation of the pinned official SDK (`Tests/SDKSpec`, written by `scripts/sdk-spec`)
/// is routed by the local service: a call the SDK can make never meets "no such route" here.
/// Whether each answers in the SDK's shapes is what `scripts/sdk-check` drives.
@Suite struct SDKCoverageTests {
    static let specURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SDKSpec/huaweicloudsdkddm-3.1.219.json")

    struct Spec: Decodable {
        struct Operation: Decodable { var name: String; var method: String; var path: String }
        var operations: [Operation]
    }

    /// The SDK's path with each placeholder given a value, as a caller would send it.
    static func concrete(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("{") ? "x\($0.dropFirst().dropLast())" : String($0) }.joined(separator: "/")
    }

    /// A path with its placeholders blanked: the SDK and the service name them differently.
    static func shape(_ segments: [String]) -> [String] { segments.map { $0.hasPrefix("{") ? "{}" : $0 } }

    @Test func everySDKOperationIsRouted() throws {
        let spec = try JSONDecoder().decode(Spec.self, from: Data(contentsOf: Self.specURL))
        #expect(spec.operations.count == 124)
        let routes = LocalService.routeTable(.both)
        var unserved: [String: String] = [:]
        for op in spec.operations {
            if case .found(let route, _) = routes.match(method: op.method, path: Self.concrete(op.path)),
               Self.shape(route.segments) == Self.shape(op.path.split(separator: "/").map(String.init)) { continue }
            unserved[op.name] = "\(op.name) \(op.method) \(op.path)"
        }
        let missing = unserved.values.sorted()
        #expect(missing.isEmpty, "not routed (\(missing.count)):\n\(missing.joined(separator: "\n"))")
    }
}
