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
        // Never followed: a redirect would carry the X-Auth-Token (or a signature, or an IAM
        // password) to wherever the answer points, another host or plain http included. A 3xx is
        // reported with where it pointed (`redirected`).
        config.redirectConfiguration = .disallow
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
        guard let deadline = request.deadline else { return try await exchange(request) }
        // The whole exchange, from connecting to the body's last byte, ends by the deadline: a read
        // timeout is reset by every byte, so a body dripped a byte at a time would never meet it.
        return try await withThrowingTaskGroup(of: HTTPResponseData?.self) { group in
            group.addTask { try await self.exchange(request) }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                var error = DDMError.transport("no complete answer from \(Self.target(request.url)) by the call's deadline (--call-deadline)")
                error.isDeadline = true
                throw error
            }
            return response
        }
    }

    private func exchange(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        var req = HTTPClientRequest(url: request.url)
        req.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { req.headers.add(name: name, value: value) }
        if let body = request.body { req.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(req, timeout: readTimeout + .seconds(5))
            if (300..<400).contains(Int(response.status.code)), let location = response.headers.first(name: "Location") {
                throw Self.redirected(Int(response.status.code), to: location, from: request.url)
            }
            var buffer = try await response.body.collect(upTo: Self.maximumBody)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            return HTTPResponseData(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: bytes)
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as DDMError {
            throw error
        } catch is NIOTooManyBytesError {
            throw DDMError.transport("the answer from \(Self.target(request.url)) is larger than \(Self.maximumBody >> 20) MB; not read")
        } catch {
            throw Self.describe(error, url: request.url)
        }
    }

    /// The largest answer read: DDM's pages are far smaller.
    static let maximumBody = 64 << 20

    /// A 3xx, not followed: where it pointed (scheme, host and port only: a path may carry a token).
    static func redirected(_ status: Int, to location: String, from url: String) -> DDMError {
        let base = URL(string: url)
        let destination = URL(string: location, relativeTo: base)?.absoluteURL
        let origin = destination.map { "\($0.scheme ?? "?")://\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? "an unreadable address"
        var why = "ddmsh does not follow redirects, so no credentials were sent there"
        if base?.scheme == "https", destination?.scheme == "http" { why = "from https to plain http; " + why }
        return DDMError(kind: .http, status: status, message: "the service redirected the call to \(origin) (\(why))")
    }

    static func target(_ url: String) -> String {
        URLComponents(string: url).map { "\($0.host ?? "?")\($0.port.map { ":\($0)" } ?? "")" } ?? url
    }

    /// A failure to connect in plain words ("cannot connect to host:443: connection refused"),
    /// marked unreachable; anything else as the transport error it is.
    static func describe(_ error: any Error, url: String) -> DDMError {
        let place = Self.target(url)
        func unreachable(_ why: String) -> DDMError { DDMError.unreachable("cannot connect to \(place): \(why)") }
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
