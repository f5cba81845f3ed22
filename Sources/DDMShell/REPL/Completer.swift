import DDMKit
import DDMLanguage
import Foundation
import LineEditor
import Synchronization

/// Tab completion: what the statement catalogue says may follow the words typed (keywords, and
/// for each typed slot of the grammar its names: instances, schemas, accounts, data nodes, …,
/// privileges, file paths) from a cache of live names that is refreshed in the background.
/// A Tab press never waits on the network.
final class Completer: CompletionSource, @unchecked Sendable {
    struct Names: Sendable {
        var instances: [String] = []; var schemas: [String] = []; var accounts: [String] = []
        var nodes: [String] = []; var parameters: [String] = []; var flavors: [String] = []; var templates: [String] = []
        var groups: [String] = []
        /// Data nodes (RDS instances) by name.
        var rds: [String] = []
    }

    private let names = Mutex(Names())
    /// The lines of a statement typed so far before the one being edited (`    -> `): Tab reads
    /// the statement whole, not its last line alone.
    private let pending = Mutex("")
    private let refreshing = Mutex<(running: Bool, last: ContinuousClock.Instant?)>((false, nil))
    private let ttl: Duration
    /// Given the names held now, so what does not change in a session is fetched once.
    private let fetch: @Sendable (Names) async throws -> Names

    /// `help` takes one word; a topic of two (`grant exactly`) is found by its first.
    static let topics = Array(Set(Help.entries.compactMap { $0.topic.split(separator: " ").first.map(String.init) }))
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

    /// The REPL says what it holds of an unfinished statement before each line it reads.
    func continuing(_ lines: String) { pending.withLock { $0 = lines } }

    func complete(prefix line: String) -> [String] {
        refreshIfStale()
        let before = pending.withLock { $0 }
        let prefix = before.isEmpty || line.hasPrefix("\\") ? line : before + "\n" + line
        let separators = ",;()[]={}"
        let wordStart = prefix.lastIndex { $0.isWhitespace || separators.contains($0) }.map { prefix.index(after: $0) } ?? prefix.startIndex
        let word = String(prefix[wordStart...])
        if prefix.hasPrefix("\\source") || prefix.hasPrefix("\\i ") { return files(word) }
        // Only words of the statement under the cursor count.
        let head = prefix[..<wordStart]
        let typed = head.lastIndex { ";{}".contains($0) }.map { head[head.index(after: $0)...] } ?? head
        let words = typed.split { $0.isWhitespace || separators.contains($0) }.map(String.init)
        let continuingList = typed.trimmingCharacters(in: .whitespaces).hasSuffix(",")
        let next = StatementCatalog.continuation(after: words, continuingList: continuingList)
        if next.slots.contains(.file) { return files(word) }
        let current = names.withLock { $0 }
        // After a comma, a name the statement already holds is not offered again (`grant SELECT, `).
        let given = continuingList ? Set(StatementCatalog.listItems(in: words).map { $0.lowercased() }) : []
        let pool = next.keywords + next.slots.flatMap { Self.names(of: $0, in: current) }.filter { !given.contains($0.lowercased()) }
        let matches = pool.filter { $0.lowercased().hasPrefix(word.lowercased()) }
        return Array(Set(matches)).sorted()
    }

    /// The names a slot of the grammar may hold, as last fetched.
    static func names(of slot: SlotKind, in held: Names) -> [String] {
        switch slot {
        case .instance: held.instances
        case .schema: held.schemas
        case .account: held.accounts
        case .rds: held.rds
        case .node: held.nodes
        case .parameter: held.parameters
        case .flavor: held.flavors
        case .template: held.templates
        case .group: held.groups
        case .privilege: privileges
        case .secret: SlotKind.secretWords
        case .topic: topics
        case .file, .statement, .unlisted: []
        }
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
