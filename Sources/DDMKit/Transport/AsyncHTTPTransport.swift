import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
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
        // Left on, the pool retries a refused connection silently until the request's deadline
        // (about a minute); ddmsh's own retry policy decides instead, and says why it failed.
        config.connectionPool.retryConnectionEstablishment = false
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
            throw Self.describe(error, url: request.url)
        }
    }

    /// A failure to connect in plain words ("cannot connect to host:443: connection refused"),
    /// marked unreachable; anything else as the transport error it is.
    static func describe(_ error: any Error, url: String) -> DDMError {
        let target = URLComponents(string: url).map { "\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? url
        func unreachable(_ why: String) -> DDMError { DDMError.unreachable("cannot connect to \(target): \(why)") }
        func reason(_ e: any Error) -> String? {
            if let io = e as? IOError {
                switch io.errnoCode {
                case ECONNREFUSED: return "connection refused"
                case EHOSTUNREACH, ENETUNREACH: return "no route to the host"
                case ETIMEDOUT: return "connection timed out"
                default: return String(cString: strerror(io.errnoCode)).lowercased()
                }
            }
            return nil
        }
        if let e = error as? NIOConnectionError {
            if let first = e.connectionErrors.first { return unreachable(reason(first.error) ?? "\(first.error)") }
            if e.dnsAError != nil || e.dnsAAAAError != nil { return unreachable("the host name cannot be resolved") }
            return unreachable("no address to connect to")
        }
        if let why = reason(error) { return unreachable(why) }
        if let e = error as? HTTPClientError, e == .connectTimeout { return unreachable("connection timed out") }
        if error is SocketAddressError || String(describing: error).contains("NIOGetaddrinfoError") || String(describing: error).contains("getaddrinfo") {
            return unreachable("the host name cannot be resolved")
        }
        return DDMError.transport(String(describing: error))
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}
