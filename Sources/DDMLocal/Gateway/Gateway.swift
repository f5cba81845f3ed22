import Foundation
import GRDB
import Logging

/// What sits in front of the controllers, as the cloud's API gateway does:
/// request ids, size limits, latency, auth, project check, rate limit, faults.
struct Gateway: Sendable {
    let routes: RouteTable
    let db: any DatabaseWriter
    let auth: Authentication
    let faults: FaultInjector
    let traffic: TrafficCounter
    let settings: ServiceSettings
    let maxBodyBytes: Int
    let logger: Logger

    struct Incoming {
        var method: String
        var rawPath: String
        var rawQuery: String
        var headers: [(String, String)]
        var body: [UInt8]
        var bodyTooLarge: Bool
    }

    enum Outcome {
        case reply(Reply)
        /// Close the connection without answering (injected fault). `applied`
        /// tells whether the write happened first.
        case drop
    }

    func handle(_ r: Incoming, now: Double) async -> Outcome {
        let requestId = WireID.hex32()
        var outcome = await process(r, now: now, requestId: requestId)
        var status: Int?
        if case .reply(let reply) = outcome { status = reply.status }
        let served = if case .found = routes.match(method: r.method, path: r.rawPath) { true } else { false }
        traffic.record(method: r.method, status: status, path: r.rawPath, served: served)
        if case .reply(var reply) = outcome {
            reply.headers.append(("X-Request-Id", requestId))
            reply.headers.append(("Content-Type", "application/json"))
            outcome = .reply(reply)
        }
        return outcome
    }

    private func fail(_ e: LocalError, _ requestId: String) -> Outcome {
        var reply = Reply(status: e.status, body: e.body(requestId: requestId))
        reply.headers = e.headers
        return .reply(reply)
    }

    private func process(_ r: Incoming, now: Double, requestId: String) async -> Outcome {
        let knobs = faults.settings
        if knobs.latency > 0 { try? await Task.sleep(for: .milliseconds(Int64(knobs.latency * 1000))) }
        if r.bodyTooLarge {
            return fail(LocalError(status: 413, code: "APIGW.0201", message: "Request entity too large", shape: .gateway), requestId)
        }
        let route: RouteTable.Route
        var params: [String: String]
        switch routes.match(method: r.method, path: r.rawPath) {
        case .notFound:
            return fail(LocalError(status: 404, code: "APIGW.0101", message: "The API does not exist or has not been published in the environment", shape: .gateway), requestId)
        case .wrongMethod:
            return fail(LocalError(status: 405, code: "APIGW.0101", message: "Method \(r.method) is not allowed on this resource", shape: .gateway), requestId)
        case .found(let found, let p):
            route = found; params = p
        }
        var user = "anonymous"
        if !route.isPublic {
            do {
                user = try auth.check(.init(method: r.method, rawPath: r.rawPath, rawQuery: r.rawQuery,
                                            headers: r.headers, body: r.body), now: now, tokens: db)
            } catch let e as LocalError {
                return fail(e, requestId)
            } catch {
                return fail(LocalError(status: 500, code: "DBS.200412", message: "Server failure."), requestId)
            }
            if let project = params["project_id"], project != settings.projectId {
                return fail(LocalError(status: 403, code: "APIGW.0302", message: "The IAM user is not authorized to access project \(project)", shape: .gateway), requestId)
            }
        }
        if let wait = faults.throttle(user: user, now: now) {
            var e = LocalError(status: 429, code: "APIGW.0308", message: "The throttling threshold has been reached: policy user over ratelimit", shape: .gateway)
            // Whether the real gateway sends Retry-After is not documented: switchable, so that
            // clients are tested both ways.
            if knobs.retryAfter { e.headers = [("Retry-After", String(Int(wait.rounded(.up))))] }
            return fail(e, requestId)
        }
        if !r.body.isEmpty, r.method == "POST" || r.method == "PUT" {
            let type = r.headers.last { $0.0.lowercased() == "content-type" }?.1.lowercased() ?? ""
            guard type.hasPrefix("application/json") else {
                return fail(LocalError(status: 415, code: "DBS.280001", message: "Unsupported media type: the body must be application/json."), requestId)
            }
        }
        var fault: FaultInjector.Fault?
        if !route.isPublic { fault = faults.roll() }
        switch fault {
        case .throttle:
            return fail(LocalError(status: 429, code: "APIGW.0308", message: "The throttling threshold has been reached: policy user over ratelimit", shape: .gateway), requestId)
        case .serverError: return fail(LocalError(status: 500, code: "DBS.200412", message: "Server failure."), requestId)
        case .busy: return fail(.busy(), requestId)
        case .dropBefore: return .drop
        case .dropAfter, nil: break
        }
        params.removeValue(forKey: "")
        let call = Call(method: r.method, params: params, query: Dictionary(Authentication.queryPairs(r.rawQuery), uniquingKeysWith: { $1 }),
                        body: r.body, now: now, settings: settings)
        let reply: Reply
        do {
            reply = try await db.write { db in
                try db.settle(now: now)
                return try route.handler(call, db)
            }
        } catch let e as LocalError {
            return fail(e, requestId)
        } catch {
            logger.error("request \(requestId) failed: \(error)")
            return fail(LocalError(status: 500, code: "DBS.200412", message: "Server failure."), requestId)
        }
        return fault == .dropAfter ? .drop : .reply(reply)
    }
}
