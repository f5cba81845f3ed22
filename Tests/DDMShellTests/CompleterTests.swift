import Testing
@testable import DDMShell

/// What Tab offers, word by word, with a fixed set of live names (no service needed).
@Suite struct CompleterTests {
    func completer() -> Completer {
        let c = Completer(ttl: .seconds(3600)) { _ in
            var n = Completer.Names()
            n.accounts = ["app", "reporting"]; n.schemas = ["orders", "billing"]; n.instances = ["ddm-prod"]; n.rds = ["rds-orders", "rds-billing"]
            return n
        }
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
    }

    @Test func aWholeStatementTakesNoMoreWords() async throws {
        let c = completer()
        try await settled(c)
        #expect(c.complete(prefix: "show users ").isEmpty)
        #expect(c.complete(prefix: "show instances ").isEmpty)
        #expect(c.complete(prefix: "grant SELECT on orders to app ").isEmpty)
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

    func waitUntilAsync(_ holds: () -> Bool) async throws {
        for _ in 0..<200 where !holds() { try await Task.sleep(for: .milliseconds(10)) }
    }
}
