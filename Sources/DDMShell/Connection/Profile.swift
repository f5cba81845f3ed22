import DDMLanguage
import Foundation
import Synchronization

/// A named set of connection settings from the config file:
///
///     [profile prod]
///     region = ap-southeast-1
///     project_id = 0123…
///     auth = aksk            # aksk | token | iam
///     ak = AK…               # the SK comes from HUAWEICLOUD_SDK_SK
///     instance = ddm-prod
///
///     [default]              # used when no --local/--endpoint/--region/--profile is given
///     local = true           # the embedded local service
///     state = :memory:       # its state (default: the per-user file)
public struct Profile: Sendable, Equatable {
    public var name: String
    public var values: [String: String]

    public var region: String? { values["region"] }
    public var projectId: String? { values["project_id"] }
    public var endpoint: String? { values["endpoint"] }
    public var auth: String? { values["auth"] }
    public var instance: String? { values["instance"] }

    static let secretKeys: Set<String> = ["sk", "token", "password", "iam_password"]
    /// Every key a profile may hold (docs/shell.md, "Profiles"); another is reported, with the
    /// nearest known one, rather than ignored.
    static let knownKeys = ["region", "project_id", "endpoint", "auth", "ak", "sk", "token", "instance", "local", "state",
                            "insecure", "api_version", "iam_user", "iam_password", "iam_endpoint", "domain"]

    /// Parses the INI-style file; returns the profiles and problems (with line numbers).
    public static func parse(_ text: String) -> (profiles: [String: Profile], problems: [String]) {
        var profiles: [String: Profile] = [:]
        var problems: [String] = []
        var current: String?
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                var name = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                if name.hasPrefix("profile ") { name = String(name.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
                current = name
                profiles[name] = profiles[name] ?? Profile(name: name, values: [:])
                continue
            }
            guard let eq = line.firstIndex(of: "="), let section = current else {
                problems.append("line \(n + 1): expected '[profile NAME]' or 'key = value'")
                continue
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            if !knownKeys.contains(key) {
                let near = Suggestion.closest(to: key, in: knownKeys)
                problems.append("line \(n + 1): unknown key '\(key)'" + (near.map { "; did you mean '\($0)'?" } ?? "; known: \(knownKeys.joined(separator: ", "))"))
            }
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") { value = String(value[..<hash.lowerBound]).trimmingCharacters(in: .whitespaces) }
            profiles[section]?.values[key] = value
        }
        return (profiles, problems)
    }

    public var holdsSecrets: Bool { !Set(values.keys).isDisjoint(with: Self.secretKeys) }

    /// The config file at `path`, parsed once per process: start-up asks it several questions
    /// (which profile, is an instance chosen, which API version) before it connects. Nil when
    /// there is no readable file.
    static func file(at path: String) -> (profiles: [String: Profile], problems: [String])? {
        if let known = parsedFiles.withLock({ $0[path] }) { return known }
        let parsed = (try? String(contentsOfFile: path, encoding: .utf8)).map(parse)
        parsedFiles.withLock { $0[path] = .some(parsed) }
        return parsed
    }
    private static let parsedFiles = Mutex<[String: (profiles: [String: Profile], problems: [String])?]>([:])

    /// "default" when the config file has a `[default]` section.
    static func defaultProfileName(path: String) -> String? {
        file(at: path)?.profiles["default"] == nil ? nil : "default"
    }

    /// Loads a profile; warns on stderr when the file holds secrets and others can read it.
    public static func load(_ name: String, path: String, warn: (String) -> Void) throws -> Profile {
        guard let (profiles, problems) = file(at: path) else {
            throw ShellFailure(message: "cannot read the config file \(path) (looking for profile '\(name)')", exitCode: 2)
        }
        for p in problems { warn("\(path): \(p)") }
        guard let profile = profiles[name] else {
            throw ShellFailure(message: "no profile '\(name)' in \(path); profiles: \(profiles.keys.sorted().joined(separator: ", "))", exitCode: 2)
        }
        if profiles.values.contains(where: \.holdsSecrets),
           let attrs = try? FileManager.default.attributesOfItem(atPath: path),
           let mode = attrs[.posixPermissions] as? Int, mode & 0o077 != 0 {
            warn("warning: \(path) holds secrets and is readable by others (mode \(String(mode, radix: 8))); run: chmod 600 \(path)")
        }
        return profile
    }
}
