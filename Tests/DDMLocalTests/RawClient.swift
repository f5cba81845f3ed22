import DDMKit
import DDMLocal
import DDMSigning
import Foundation

/// Sends hand-built HTTP requests to a local service, signed or not, so tests
/// can probe exactly what the wire carries.
struct RawClient {
    static let ak = "AKRAWTEST00000000001"
    static let sk = "SKRAWTEST0123456789abcdefghijklmnopqr"
    static let project = "0123456789abcdef0123456789abcdef"
    let service: LocalService
    let transport = AsyncHTTPTransport()

    static func start(_ configure: (inout LocalServiceConfiguration) -> Void = { _ in }) async throws -> RawClient {
        var config = LocalServiceConfiguration()
        config.accessKey = ak
        config.secretKey = sk
        configure(&config)
        return RawClient(service: try await LocalService.start(config))
    }

    struct Answer {
        var status: Int
        var json: [String: Any]
        var headers: [(String, String)]
        var code: String? { (json["errCode"] ?? json["error_code"]) as? String }
        var message: String { ((json["externalMessage"] ?? json["error_msg"]) as? String) ?? "" }
    }

    func send(_ method: String, _ path: String, query: [(String, String)] = [], body: String? = nil,
              contentType: String = "application/json", sign: Bool = true, extraHeaders: [(String, String)] = [],
              date: Date = Date(), tamper: ((inout HTTPRequestData) -> Void)? = nil) async throws -> Answer {
        var request = HTTPRequestData(method: method, baseURL: service.url, path: path, query: query,
                                      headers: [("Content-Type", contentType)] + extraHeaders, body: body.map { Array($0.utf8) })
        if sign {
            let auth = AKSKAuthenticator(accessKey: Self.ak, secretKey: Self.sk, projectId: Self.project, now: { date })
            try await auth.authorize(&request)
        }
        tamper?(&request)
        let response = try await transport.send(request)
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return Answer(status: response.status, json: json, headers: response.headers)
    }

    func v1(_ rest: String) -> String { "/v1/\(Self.project)/\(rest)" }

    /// Creates a RUNNING instance through the wire and returns its id.
    func instance(_ name: String = "ddm-raw", date: Date = Date()) async throws -> String {
        let body = #"{"instance":{"name":"\#(name)","flavor_id":"8f2e696c-a9c1-30bd-af90-25522bc67606","node_num":1,"engine_id":"2325a707-0361-8be6-dd01-13474bbac437","available_zones":["ap-southeast-1a"],"vpc_id":"v","subnet_id":"s","security_group_id":"g"}}"#
        let a = try await send("POST", v1("instances"), body: body, date: date)
        guard a.status == 200, let id = a.json["id"] as? String else { throw RawError(answer: "\(a.status) \(a.json)") }
        return id
    }

    func schema(_ instance: String, _ name: String) async throws {
        let a = try await send("POST", v1("instances/\(instance)/databases"), body: Self.schemaBody(name))
        guard a.status == 200 else { throw RawError(answer: "\(a.status) \(a.json)") }
    }

    static func schemaBody(_ name: String, mode: String = "cluster", number: Int = 4, unit: Int? = 4,
                           rds: String = "c6f68fed9e74478c8679479a07d7d568in01", password: String = rdsPassword) -> String {
        let unitField = unit.map { #","shard_unit":\#($0)"# } ?? ""
        return #"{"databases":[{"name":"\#(name)","shard_mode":"\#(mode)","shard_number":\#(number)\#(unitField),"used_rds":[{"id":"\#(rds)","adminUser":"root","adminPassword":"\#(password)"}]}]}"#
    }

    static let rdsPassword = ["Rds", "Admin", "1!"].joined(separator: "_")

    func stop() async { await service.stop() }
}

struct RawError: Error { var answer: String }
