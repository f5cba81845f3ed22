import Foundation
import Synchronization

/// What the stand-in metadata service has answered, counted on its side.
public struct MetadataTraffic: Sendable, Equatable {
    /// `PUT /meta-data/latest/api/token` answered with a session token.
    public var sessionTokens = 0
    /// `GET /openstack/latest/securitykey` answered with temporary keys.
    public var keysIssued = 0
    /// Requests refused (a missing or expired session token, a bad TTL).
    public var refused = 0
    /// DDM calls the gateway refused because the temporary key they were signed with had expired.
    public var expiredKeysPresented = 0
    public init() {}
}

/// What the stand-in metadata service did, for whoever runs it to watch (`ddmsh serve` prints it).
public enum MetadataEvent: Sendable {
    case sessionToken(ttl: Int)
    /// The keys themselves, so that a test can look for them where they must not be; `ddmsh serve`
    /// shows only the expiry unless told otherwise.
    case keysIssued(accessKey: String, secretKey: String, securityToken: String, expiresAt: String)
    case refused(method: String, path: String, status: Int)
}

/// The temporary keys a local service issued through its metadata routes, kept in memory only
/// (never in the state file: they are secrets, and a restarted service has forgotten them, as a
/// rotated agency key is gone). The gateway accepts them until they expire.
final class TemporaryKeys: Sendable {
    struct Key: Sendable {
        var secretKey: String
        var securityToken: String
        var expires: Double
    }

    struct State {
        var sessionTokens: [String: Double] = [:]
        var keys: [String: Key] = [:]
        var traffic = MetadataTraffic()
    }

    /// Seconds an issued key lives.
    let lifetime: Double
    let observer: (@Sendable (MetadataEvent) -> Void)?
    private let state = Mutex(State())

    init(lifetime: Double, observer: (@Sendable (MetadataEvent) -> Void)?) {
        self.lifetime = lifetime; self.observer = observer
    }

    var traffic: MetadataTraffic { state.withLock { $0.traffic } }

    /// Every access key, secret key and security token still held, for tests that check none leaked.
    var secrets: [String] {
        state.withLock { s in s.keys.flatMap { [$0.key, $0.value.secretKey, $0.value.securityToken] } }
    }

    func key(_ accessKey: String) -> Key? { state.withLock { $0.keys[accessKey] } }

    func countExpiredPresented() { state.withLock { $0.traffic.expiredKeysPresented += 1 } }

    fileprivate func refuse(_ method: String, _ path: String, _ status: Int) {
        state.withLock { $0.traffic.refused += 1 }
        observer?(.refused(method: method, path: path, status: status))
    }

    fileprivate func issueSessionToken(ttl: Double, now: Double) -> String {
        let token = Self.random(48)
        state.withLock { s in
            s.sessionTokens = s.sessionTokens.filter { $0.value > now }
            s.sessionTokens[token] = now + ttl
            s.traffic.sessionTokens += 1
        }
        observer?(.sessionToken(ttl: Int(ttl)))
        return token
    }

    fileprivate func sessionTokenValid(_ token: String, now: Double) -> Bool {
        state.withLock { s in s.sessionTokens[token].map { $0 > now } ?? false }
    }

    fileprivate func issueKey(now: Double) -> (accessKey: String, key: Key) {
        let accessKey = "TMP" + Self.random(17).uppercased()
        let key = Key(secretKey: Self.random(40), securityToken: "gQpJ" + Self.random(120), expires: now + lifetime)
        state.withLock { s in
            // Long-expired keys go, so a long-running service does not keep every key it issued;
            // recently expired ones stay long enough for the gateway to say "expired".
            s.keys = s.keys.filter { $0.value.expires > now - 3600 }
            s.keys[accessKey] = key
            s.traffic.keysIssued += 1
        }
        observer?(.keysIssued(accessKey: accessKey, secretKey: key.secretKey, securityToken: key.securityToken,
                              expiresAt: IAMController.iso(key.expires)))
        return (accessKey, key)
    }

    private static func random(_ count: Int) -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in alphabet[Int(rng.next(upperBound: UInt(alphabet.count)))] })
    }
}

/// The two routes of the ECS metadata service that the SDK's `MetadataAccessor` calls
/// (huaweicloudsdkcore/auth/internal.py): a session token, then temporary keys for it. Served on
/// the service's own port beside DDM's API (`serve --metadata`), outside the gateway: the metadata
/// service is not behind API Gateway and takes no AK/SK.
enum MetadataController {
    static let tokenPath = "/meta-data/latest/api/token"
    static let securityKeyPath = "/openstack/latest/securitykey"
    /// The SDK asks for 21600 s (six hours); the bounds are this service's.
    static let ttlRange = 1...21600

    /// The answer for a metadata path, or nil for any other path.
    static func handle(method: String, path: String, headers: [(String, String)], now: Double, keys: TemporaryKeys) -> Reply? {
        func header(_ name: String) -> String? { headers.last { $0.0.lowercased() == name }?.1 }
        func text(_ status: Int, _ body: String) -> Reply {
            if status >= 400 { keys.refuse(method, path, status) }
            return Reply(status: status, headers: [("Content-Type", "text/plain")], body: Array(body.utf8))
        }
        switch path {
        case tokenPath:
            guard method == "PUT" else { return text(405, "Method Not Allowed") }
            guard let ttl = header("x-metadata-token-ttl-seconds").flatMap(Int.init), ttlRange.contains(ttl) else {
                return text(400, "X-Metadata-Token-Ttl-Seconds must be an integer from \(ttlRange.lowerBound) to \(ttlRange.upperBound)")
            }
            return text(200, keys.issueSessionToken(ttl: Double(ttl), now: now))
        case securityKeyPath:
            guard method == "GET" else { return text(405, "Method Not Allowed") }
            guard let token = header("x-metadata-token"), keys.sessionTokenValid(token, now: now) else {
                return text(401, "Unauthorized: X-Metadata-Token is missing, unknown or expired")
            }
            let (accessKey, key) = keys.issueKey(now: now)
            let body = SecurityKeyWire(credential: .init(access: accessKey, secret: key.secretKey, securitytoken: key.securityToken,
                                                         expires_at: IAMController.iso(key.expires)))
            var reply = Reply.json(body)
            reply.headers = [("Content-Type", "application/json")]
            return reply
        default:
            return nil
        }
    }

    struct SecurityKeyWire: Encodable {
        struct Credential: Encodable {
            var access: String
            var secret: String
            var securitytoken: String
            var expires_at: String
        }
        var credential: Credential
    }
}
