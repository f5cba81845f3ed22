import DDMKit
import Foundation
import Synchronization

/// Passes every call to the local service over HTTP and lets a test rewrite its JSON answers on
/// the way back: the service as other sources describe it (a field left out, a port as a number,
/// an order instead of a job), with the local service's state behind it. Calls are counted.
public final class EditingTransport: HTTPTransport, @unchecked Sendable {
    /// The request and the answer as parsed; nil leaves the answer as it is.
    public typealias Edit = @Sendable (_ request: HTTPRequestData, _ answer: Any) -> Any?

    private let inner = AsyncHTTPTransport(connectTimeout: .seconds(5), readTimeout: .seconds(30))
    private let edit: Edit
    private let sent = Mutex<[String]>([])

    public init(_ edit: @escaping Edit) { self.edit = edit }

    /// `METHOD /path` of every call made so far.
    public var calls: [String] { sent.withLock { $0 } }

    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        sent.withLock { $0.append("\(request.method) \(request.path)") }
        let response = try await inner.send(request)
        guard (200..<300).contains(response.status), !response.body.isEmpty,
              let answer = try? JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed]),
              let edited = edit(request, answer) else { return response }
        return HTTPResponseData(status: response.status, headers: response.headers,
                                body: Array(try JSONSerialization.data(withJSONObject: edited, options: [.fragmentsAllowed])))
    }

    /// `answer` with `key` removed at every level.
    public static func removing(_ key: String, from answer: Any) -> Any {
        if let o = answer as? [String: Any] {
            var out: [String: Any] = [:]
            for (k, v) in o where k != key { out[k] = removing(key, from: v) }
            return out
        }
        if let a = answer as? [Any] { return a.map { removing(key, from: $0) } }
        return answer
    }

    /// `answer` with `key` set to `value` at every level where it occurs.
    public static func replacing(_ key: String, with value: @escaping (Any) -> Any, in answer: Any) -> Any {
        if let o = answer as? [String: Any] {
            var out: [String: Any] = [:]
            for (k, v) in o { out[k] = k == key ? value(v) : replacing(key, with: value, in: v) }
            return out
        }
        if let a = answer as? [Any] { return a.map { replacing(key, with: value, in: $0) } }
        return answer
    }
}
