import DDMLanguage
import Foundation
import Testing
@testable import DDMShell

/// What Tab offers, word by word, with a fixed set of live names (no service needed).
@Suite struct CompleterTests {
    static let held: Completer.Names = {
        var n = Completer.Names()
        n.accounts = ["app", "reporting"]; n.schemas = ["orders", "billing"]; n.instances = ["ddm-prod"]; n.rds = ["rds-orders", "rds-billing"]
        n.nodes = ["node-1"]; n.parameters = ["max_connections"]; n.flavors = ["ddm.c6.large.2"]; n.templates = ["high-concurrency"]
        n.groups = ["default", "reporting-group"]
        return n
    }()

    func completer() -> Completer {
        let c = Completer(ttl: .seconds(3600)) { _ in Self.held }
        c.refreshIfStale(force: true)
        return c
    }

    func settled(_ c: Completer) async throws {
        try await waitUntilAsync { !c.complete(prefix: "show grants for ").isEmpty }
    }

    @Test func grantOffersPrivilegesNotOneWord() async throws {
        let c = completer()
        try await settled(c)
        let afterGrant = c.complete(prefix: "grant ")
        #expect(afterGrant.contains("SELECT") && afterGrant.contains("exactly"), "\(afterGrant)")
        #expect(c.complete(prefix: "grant SEL") == ["SELECT"])
        #expect(c.complete(prefix: "revoke INS") == ["INSERT"])
        #expect(c.complete(prefix: "grant SELECT, IN").contains("INSERT"))
        #expect(c.complete(prefix: "grant SELECT on or") == ["orders"])
        #expect(c.complete(prefix: "grant SELECT on orders to re") == ["reporting"])
        // A name already in the list is not offered again.
        #expect(!c.complete(prefix: "grant SELECT, ").contains("SELECT"))
        // A keyword of the statement is not an item of the list: CREATE is still offered.
        #expect(c.complete(prefix: "create user x password env PW with INSERT, CR") == ["CREATE"])
        #expect(c.complete(prefix: "show grants for app, ") == ["reporting"])
        #expect(c.complete(prefix: "grant SELECT on orders, ").contains("billing") && !c.complete(prefix: "grant SELECT on orders, ").contains("orders"))
    }

    @Test func aWholeStatementTakesOnlyWhatMayFollow() async throws {
        let c = completer()
        try await settled(c)
        #expect(c.complete(prefix: "show users ") == ["like"])
        #expect(c.complete(prefix: "show instances ").isEmpty)
        #expect(c.complete(prefix: "grant SELECT on orders to app ").isEmpty)
        #expect(c.complete(prefix: "drop schema orders if exists ") == ["delete", "wait"])
        #expect(c.complete(prefix: "create schema orders shards 8 on rds rds-orders ") == ["admin", "wait"])
        #expect(c.complete(prefix: "set parameter max_connections = 3 ").isEmpty)
        #expect(c.complete(prefix: "nonsense ").isEmpty)
        // Still a start after the statement ends.
        #expect(c.complete(prefix: "show users; sh") == ["show"])
    }

    @Test func dataNodesByName() async throws {
        let c = completer()
        try await settled(c)
        #expect(c.complete(prefix: "alter schema orders reshard shards 8 add rds rds-b") == ["rds-billing"])
        #expect(c.complete(prefix: "check data nodes rds-o") == ["rds-orders"])
        #expect(c.complete(prefix: "set read weights rds-") == ["rds-billing", "rds-orders"])
        #expect(c.complete(prefix: "alter schema or") == ["orders"])
        // `on` is followed by other words in a fleet than in a grant.
        #expect(c.complete(prefix: "on ") == ["instances"])
        #expect(c.complete(prefix: "on instances ") == ["ddm-prod", "like"])
        #expect(c.complete(prefix: "grant SELECT on or") == ["orders"])
    }

    /// A statement typed over several lines is completed whole, not from its last line alone.
    @Test func aStatementOverLinesIsCompletedWhole() async throws {
        let c = completer()
        try await settled(c)
        c.continuing("grant SELECT, INSERT\n  on orders")
        #expect(c.complete(prefix: "  to re") == ["reporting"])
        c.continuing("drop")
        #expect(c.complete(prefix: "user ") == ["app", "reporting"])
        c.continuing("")
        #expect(c.complete(prefix: "user ").isEmpty)
    }

    @Test func typedSlotsAreLookedUp() async throws {
        let c = completer()
        try await settled(c)
        #expect(c.complete(prefix: "show schema ") == ["billing", "orders"])
        #expect(c.complete(prefix: "drop user ") == ["app", "reporting"])
        #expect(c.complete(prefix: "create user ").isEmpty)
        #expect(c.complete(prefix: "create schema ").isEmpty)
        #expect(c.complete(prefix: "use instance ") == ["ddm-prod"])
        #expect(c.complete(prefix: "restart node ") == ["node-1"])
        #expect(c.complete(prefix: "set parameter ") == ["max_connections"])
        #expect(c.complete(prefix: "alter instance ddm-prod set flavor ") == ["ddm.c6.large.2"])
        #expect(c.complete(prefix: "apply parameter template ") == ["high-concurrency"])
        #expect(c.complete(prefix: "alter user app password ") == ["env", "file", "prompt"])
        #expect(c.complete(prefix: "explain drop user r") == ["reporting"])
        #expect(c.complete(prefix: "help gr") == ["grant", "groups"])
        #expect(c.complete(prefix: "drop group rep") == ["reporting-group"])
        #expect(c.complete(prefix: "show access control for group ") == ["default", "reporting-group"])
        #expect(c.complete(prefix: "alter group default set access whitelist (10.0.0.1, ").isEmpty)
    }

    /// Tab after every statement's leading words offers what the catalogue says may follow them,
    /// each slot's names looked up, and nothing else: each next leading word, and only words of
    /// statements those words lead to.
    @Test func tabAfterEveryStatementsLeadingWordsOffersWhatTheCatalogueSays() async throws {
        let c = completer()
        try await settled(c)
        for entry in StatementCatalog.entries {
            for k in 1...entry.path.count {
                let leading = Array(entry.path[..<k])
                let offered = Set(c.complete(prefix: leading.joined(separator: " ") + " "))
                let next = StatementCatalog.continuation(after: leading)
                let names = next.slots.flatMap { Completer.names(of: $0, in: Self.held) }
                if next.slots.contains(.file) {
                    let here = try FileManager.default.contentsOfDirectory(atPath: ".")
                    #expect(offered == Set(here), "\(leading) takes a file")
                } else {
                    #expect(offered == Set(next.keywords + names), "\(leading)")
                }
                let led = StatementCatalog.entries.filter { $0.path.starts(with: leading) || leading.starts(with: $0.path) }
                if k < entry.path.count { #expect(offered.contains(entry.path[k]), "\(leading) leads to \(entry.id)") }
                // `explain <statement>` is followed by any statement.
                let statements = led.contains { $0.grammar.contains("<statement>") } ? StatementCatalog.starts : []
                let secrets = led.contains { $0.grammar.contains("<secret>") } ? SlotKind.secretWords : []
                let ownWords = Set(led.flatMap { $0.grammar.lowercased().split { !($0.isLetter || $0.isNumber || "_-.".contains($0)) }.map(String.init) } + statements + secrets)
                for word in next.keywords { #expect(ownWords.contains(word), "\(leading) offers \(word), no word of theirs") }
            }
        }
        let afterShow = Set(c.complete(prefix: "show "))
        for target in StatementCatalog.showTargets { #expect(afterShow.contains(target), "show \(target)") }
    }

    func waitUntilAsync(_ holds: () -> Bool) async throws {
        for _ in 0..<200 where !holds() { try await Task.sleep(for: .milliseconds(10)) }
    }
}
