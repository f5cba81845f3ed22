import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server that misbehaves on purpose: drips its body, never answers, or redirects.
/// Every loop is bounded and it stops by itself (after `lifetime`, or when `stop` is called), so
/// a test that fails cannot leave it running. Requests it got are kept for the test to read.
final class HostileServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Headers at once, then one body byte every `every` (of `length` promised).
        case drip(every: Duration, length: Int)
        /// Reads the request and says nothing.
        case silent
        /// 302 to `location`, with an empty body.
        case redirect(String)
        /// 429 with this `Retry-After`, every time.
        case throttle(retryAfter: Int)
    }

    let port: Int
    private let listener: Int32
    private let behaviour: Behaviour
    private let lock = NSLock()
    private var stopped = false
    private var _requests: [String] = []
    private var _dripped = 0
    var requests: [String] { lock.withLock { _requests } }
    /// Body bytes sent by `.drip`, over every connection.
    var dripped: Int { lock.withLock { _dripped } }

    init(_ behaviour: Behaviour, lifetime: Duration = .seconds(20)) throws {
        self.behaviour = behaviour
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 16) == 0 else { close(listener); throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        let until = ContinuousClock.now + lifetime
        let thread = Thread { [self] in serve(until: until) }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() { lock.withLock { stopped = true } }
    private var isStopped: Bool { lock.withLock { stopped } }

    private func serve(until: ContinuousClock.Instant) {
        defer { close(listener) }
        while !isStopped, ContinuousClock.now < until {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            let thread = Thread { [self] in handle(connection, until: until) }
            thread.start()
        }
    }

    private func handle(_ fd: Int32, until: ContinuousClock.Instant) {
        defer { close(fd) }
        var noSignal: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &noSignal, socklen_t(MemoryLayout<Int32>.size))
        // The request head (and a small body): enough to record it.
        var buffer = [UInt8](repeating: 0, count: 65536)
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 2000) > 0 else { return }
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return }
        lock.withLock { _requests.append(String(decoding: buffer[0..<n], as: UTF8.self)) }
        func send(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
        }
        switch behaviour {
        case .drip(let every, let length):
            guard send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\r\n") else { return }
            for _ in 0..<length where !isStopped && ContinuousClock.now < until {
                Thread.sleep(forTimeInterval: Double(every.components.attoseconds) / 1e18 + Double(every.components.seconds))
                guard send(" ") else { return }
                lock.withLock { _dripped += 1 }
            }
        case .silent:
            // Holds the connection open until the client gives up (it closes) or the server stops.
            while !isStopped, ContinuousClock.now < until {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, 100) > 0 {
                    var byte: UInt8 = 0
                    if read(fd, &byte, 1) <= 0 { return }
                }
            }
        case .redirect(let location):
            _ = send("HTTP/1.1 302 Found\r\nLocation: \(location)\r\nContent-Length: 0\r\n\r\n")
        case .throttle(let seconds):
            let body = #"{"error_code":"APIGW.0308","error_msg":"The request is throttled."}"#
            _ = send("HTTP/1.1 429 Too Many Requests\r\nRetry-After: \(seconds)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        }
    }
}

/// Runs a test's tasks on a thread of their own, not the shared cooperative pool: with the whole
/// suite running, other tests that block the pool's few threads would otherwise hold these for
/// longer than the deadlines under test.
final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    private let queue = DispatchQueue(label: "ddmsh.tests.dedicated")

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        queue.async { unowned.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    static let shared = DedicatedExecutor()

    static func run<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
        try await withTaskExecutorPreference(shared) { try await body() }
    }
}
