import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL

/// The production transport: AsyncHTTPClient with connect and read timeouts.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    private let readTimeout: TimeAmount
    private let ownsClient: Bool

    /// - Parameter verifyTLS: `false` only when the user asked for `--insecure`.
    public init(connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(60), verifyTLS: Bool = true) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !verifyTLS { tls.certificateVerification = .none }
        var config = HTTPClient.Configuration(tlsConfiguration: tls)
        config.timeout = .init(connect: .nanoseconds(connectTimeout.nanoseconds), read: .nanoseconds(readTimeout.nanoseconds))
        config.decompression = .disabled
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        self.readTimeout = .nanoseconds(readTimeout.nanoseconds)
        self.ownsClient = true
    }

    deinit {
        if ownsClient { try? client.syncShutdown() }
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }

    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        var req = HTTPClientRequest(url: request.url)
        req.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { req.headers.add(name: name, value: value) }
        if let body = request.body { req.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(req, timeout: readTimeout + .seconds(5))
            var buffer = try await response.body.collect(upTo: 64 << 20)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return HTTPResponseData(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: bytes)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw DDMError.transport(String(describing: error))
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}
