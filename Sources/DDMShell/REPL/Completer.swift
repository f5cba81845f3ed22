import DDMKit
import DDMLanguage
import Foundation
import LineEditor
import Synchronization

/// Tab completion: keywords, privilege names, file paths after `source`, and
/// live instance/schema/account names from a cache that is refreshed in the
/// background. A Tab press never waits on the network.
final class Completer: CompletionSource, @unchecked Sendable {
    struct Names: Sendable {
        var instances: [String] = []; var schemas: [String] = []; var accounts: [String] = []
        var nodes: [String] = []; var parameters: [String] = []; var flavors: [String] = []; var templates: [String] = []
        /// Data nodes (RDS instances) by name.
        var rds: [String] = []
    }

    private let names = Mutex(Names())
    private let refreshing = Mutex<(running: Bool, last: ContinuousClock.Instant?)>((false, nil))
    private let ttl: Duration
    /// Given the names held now, so what does not change in a session is fetched once.
    private let fetch: @Sendable (Names) async throws -> Names

    /// Every keyword of the language, and the words some of them take (from the catalogue).
    static let keywords = StatementCatalog.words
    static let privileges = BasePermission.allCases.map(\.rawValue) + ExtendedPermission.allCases.map(\.rawValue) + ["ALL"]

    init(ttl: Duration = .seconds(30), fetch: @escaping @Sendable (Names) async throws -> Names) {
        self.ttl = ttl
        self.fetch = fetch
    }

    /// Starts a background refresh unless one is running or the cache is fresh.
    func refreshIfStale(force: Bool = false) {
        let start = refreshing.withLock { state -> Bool in
            if state.running { return false }
            if !force, let last = state.last, ContinuousClock.now - last < ttl { return false }
            state.running = true
            return true
        }
        guard start else { return }
        Task.detached { [self] in
            let fresh = try? await fetch(names.withLock { $0 })
            if let fresh { names.withLock { $0 = fresh } }
            refreshing.withLock { $0 = (false, ContinuousClock.now) }
        }
    }

    /// Keywords that may follow a word, where the grammar fixes them.
    static let statementStarts = StatementCatalog.starts

    func complete(prefix: String) -> [String] {
        refreshIfStale()
        let separators = ",;()[]={}"
        let wordStart = prefix.lastIndex { $0.isWhitespace || separators.contains($0) }.map { prefix.index(after: $0) } ?? prefix.startIndex
        let word = String(prefix[wordStart...])
        let head = prefix[..<wordStart]
        // Only words of the statement under the cursor count.
        let lastBreak = head.lastIndex { ";{}".contains($0) }
        let statement = (lastBreak.map { head[head.index(after: $0)...] } ?? head)
            .split { $0.isWhitespace || separators.contains($0) }.map { $0.lowercased() }
        let previous = statement.last ?? ""
        if previous == "source" || prefix.hasPrefix("\\source") || prefix.hasPrefix("\\i ") { return files(word) }
        let current = names.withLock { $0 }
        let first = statement.first ?? ""
        let isGrant = first == "grant" || first == "revoke"
        var pool: [String]
        if statement.isEmpty {
            pool = Self.statementStarts
        } else if first == "set", previous == "parameter" || previous == "parameters" {
            pool = current.parameters
        } else if previous == "node" {
            pool = current.nodes
        } else if previous == "rds" || (previous == "nodes" && first == "check") || (previous == "weights" && first == "set") {
            pool = current.rds
        } else if ["grant", "revoke"].contains(previous) && statement.count == 1 {
            // `grant <Tab>`: a privilege (or `exactly`), never one word inserted for the user.
            pool = Self.privileges + (previous == "grant" ? ["exactly"] : [])
        } else if let next = StatementCatalog.followers(inStatementsStartingWith: first)[previous] {
            pool = next
        } else {
            switch previous {
            case "instance": pool = first == "create" ? [] : current.instances
            case "schema": pool = first == "create" ? [] : current.schemas
            case "user": pool = first == "create" ? [] : current.accounts
            case "on": pool = isGrant || first == "create" && statement.contains("user") ? current.schemas : ["rds", "instance"]
            case "for" where statement.contains("flavors"): pool = ["instance"]
            case "instances" where first == "on": pool = ["like"] + current.instances
            case "to", "from", "for": pool = previous == "for" && first == "for" ? [] : current.accounts
            case "grant", "revoke", "with": pool = Self.privileges
            case "flavor": pool = current.flavors
            case "template": pool = current.templates
            default:
                // A statement that is already whole takes no more words: Tab offers nothing rather
                // than every keyword of the language.
                let typed = (lastBreak.map { head[head.index(after: $0)...] } ?? head)
                if Parser.parse(SourceFile(name: "", text: typed + ";")).diagnostics.isEmpty, !isGrant || word.isEmpty { return [] }
                pool = isGrant ? Self.privileges + current.schemas + current.accounts + ["on", "to", "from"] : Self.keywords
            }
        }
        let matches = pool.filter { $0.lowercased().hasPrefix(word.lowercased()) }
        return Array(Set(matches)).sorted()
    }

    private func files(_ word: String) -> [String] {
        let clean = word.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        let dir = clean.contains("/") ? String(clean[...clean.lastIndex(of: "/")!]) : ""
        let base = clean.contains("/") ? String(clean[clean.index(after: clean.lastIndex(of: "/")!)...]) : clean
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)) ?? []
        let quote = word.hasPrefix("'") ? "'" : ""
        return entries.filter { $0.hasPrefix(base) }.sorted().map { quote + dir + $0 }
    }
}
