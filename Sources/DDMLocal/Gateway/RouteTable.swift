/// Maps `METHOD /path/{param}/…` patterns to handlers.
struct RouteTable: Sendable {
    struct Route: Sendable {
        var method: String
        var segments: [String]
        var handler: Handler
        /// Answered without authentication (`GET /`, the IAM token call).
        var isPublic: Bool
        /// An older call with a v3 twin: what a region that has moved to v3 no longer serves
        /// (`serve --api v3`).
        var replacedByV3: Bool
    }

    enum Match {
        case found(Route, [String: String])
        case wrongMethod
        case notFound
    }

    private(set) var routes: [Route] = []

    mutating func add(_ method: String, _ pattern: String, isPublic: Bool = false, replacedByV3: Bool = false, _ handler: @escaping Handler) {
        routes.append(Route(method: method, segments: Self.split(pattern), handler: handler, isPublic: isPublic, replacedByV3: replacedByV3))
    }

    /// What a region that has moved to v3 serves: the older calls without a v3 twin stay.
    mutating func dropReplacedByV3() { routes.removeAll { $0.replacedByV3 } }

    /// Keeps only the routes `keep` accepts (method and pattern as registered).
    mutating func filter(_ keep: (String, String) -> Bool) {
        routes.removeAll { !keep($0.method, "/" + $0.segments.joined(separator: "/")) }
    }

    /// A literal segment beats a placeholder (`…/backups/restorable-time-interval` is not backup
    /// `restorable-time-interval`), whatever order the routes were added in.
    func match(method: String, path: String) -> Match {
        let parts = Self.split(path).map(PercentDecoding.decode)
        var pathMatched = false
        var best: (route: Route, params: [String: String], literals: Int)?
        for route in routes where route.segments.count == parts.count {
            var params: [String: String] = [:]
            var ok = true
            for (pattern, part) in zip(route.segments, parts) {
                if pattern.hasPrefix("{") {
                    if part.isEmpty { ok = false; break }
                    params[String(pattern.dropFirst().dropLast())] = part
                } else if pattern != part {
                    ok = false; break
                }
            }
            guard ok else { continue }
            let literals = route.segments.count - params.count
            if route.method == method {
                if literals > best?.literals ?? -1 { best = (route, params, literals) }
            } else {
                pathMatched = true
            }
        }
        if let best { return .found(best.route, best.params) }
        return pathMatched ? .wrongMethod : .notFound
    }

    private static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}

import DDMSigning
typealias PercentDecoding = PercentEncoding
