import Foundation

/// The SDK's credentials file, read as `huaweicloudsdkcore.auth.provider.ProfileCredentialProvider`
/// reads it: `$HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`; an INI file
/// whose `[basic]` section holds `ak`, `sk` and optionally `security_token`, `project_id`,
/// `iam_endpoint`.
public enum CredentialsFile {
    public static let pathVariable = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
    public static let section = "basic"

    public struct Keys: Sendable, Equatable {
        public var accessKey: String
        public var secretKey: String
        public var securityToken: String?
        public var projectId: String?
    }

    public enum Outcome: Sendable, Equatable {
        case found(Keys)
        /// Nothing to use, and why (no such file, no `[basic]` section): the chain goes on.
        case notThere(String)
    }

    /// A file that exists but cannot be used: said as an error rather than passed over, since
    /// whoever wrote it meant ddmsh to use it.
    public struct Unusable: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func path(environment: [String: String]) -> String? {
        if let given = environment[pathVariable], !given.isEmpty { return given }
        guard let home = environment["HOME"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        return home + "/.huaweicloud/credentials"
    }

    public static func read(environment: [String: String]) throws -> Outcome {
        guard let path = path(environment: environment) else { return .notThere("no HOME to look in") }
        let fm = FileManager.default
        guard fm.fileExists(atPath: path) else { return .notThere("\(path) does not exist") }
        // It holds a secret key: like ssh with a private key, refuse one others can read or change.
        if let mode = (try? fm.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw Unusable(description: "the credentials file \(path) can be read or changed by others (mode \(String(mode, radix: 8))); run: chmod 600 \(path)")
        }
        guard let data = fm.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Unusable(description: "cannot read the credentials file \(path) (check that it is yours and readable, mode 600)")
        }
        let sections = parse(text)
        guard var values = sections[section] else {
            return .notThere("\(path) has no [\(section)] section")
        }
        // configparser lends [DEFAULT]'s keys to every section.
        for (k, v) in sections["DEFAULT"] ?? [:] where values[k] == nil { values[k] = v }
        func value(_ k: String) -> String? { values[k].flatMap { $0.isEmpty ? nil : $0 } }
        guard let ak = value("ak"), let sk = value("sk") else {
            let missing = ["ak", "sk"].filter { value($0) == nil }.joined(separator: " and ")
            var message = "the credentials file \(path) has no \(missing) in its [\(section)] section"
            if value("idp_id") != nil { message += " (federation with idp_id and id_token_file is not supported by ddmsh)" }
            throw Unusable(description: message)
        }
        return .found(Keys(accessKey: ak, secretKey: sk, securityToken: value("security_token"), projectId: value("project_id")))
    }

    /// Sections of `key = value` (or `key: value`) lines, keys lower-cased, `#` and `;` lines
    /// skipped, as Python's configparser reads them with its defaults (no inline comments).
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = String(line.dropFirst().dropLast())
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let current, let sep = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<sep].trimmingCharacters(in: .whitespaces).lowercased()
            sections[current]?[key] = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
        }
        return sections
    }
}
