import Testing
@testable import DDMLanguage

/// What the catalogue says may follow typed words: its paths lead to statements, its grammar
/// lines say what comes after each keyword and value, and its slots are typed.
@Suite struct ContinuationTests {
    func next(_ text: String, list: Bool = false) -> (keywords: Set<String>, slots: Set<SlotKind>) {
        let c = StatementCatalog.continuation(after: text.split(separator: " ").map(String.init), continuingList: list)
        return (Set(c.keywords), Set(c.slots))
    }

    @Test func pathsLeadToEveryStatement() {
        #expect(next("").keywords == Set(StatementCatalog.starts))
        // Every statement's next leading word is offered after the words before it.
        for entry in StatementCatalog.entries {
            for k in 1..<entry.path.count {
                let before = entry.path[..<k].joined(separator: " ")
                #expect(next(before).keywords.contains(entry.path[k]), "\(before) → \(entry.path[k])")
            }
        }
        #expect(next("show").keywords.isSuperset(of: StatementCatalog.showTargets))
        // Once missing from the hand list after `show`.
        #expect(next("show").keywords.isSuperset(of: ["groups", "backups", "backup", "restore", "reshard", "audit", "data", "read"]))
        #expect(next("drop").keywords == ["instance", "schema", "user", "backup", "group", "parameter"])
        #expect(next("alter").keywords == ["instance", "schema", "user", "group", "parameter"])
        #expect(next("create").keywords == ["instance", "schema", "user", "group", "parameter"])
    }

    @Test func grammarLinesSayWhatFollowsKeywordsAndValues() {
        #expect(next("drop schema") == ([], [.schema]))
        #expect(next("drop schema orders") == (["if", "delete", "wait"], []))
        #expect(next("drop schema orders if") == (["exists"], []))
        #expect(next("drop schema orders if exists") == (["delete", "wait"], []))
        #expect(next("drop schema orders delete") == (["rds"], []))
        #expect(next("create schema") == ([], [.unlisted]))
        #expect(next("create schema orders") == (["if", "shards"], []))
        #expect(next("create schema orders if") == (["not"], []))
        #expect(next("create schema orders shards 8") == (["mode", "on"], []))
        #expect(next("create schema orders shards 8 mode") == (["cluster", "single"], []))
        #expect(next("create schema orders shards 8 on") == (["rds"], []))
        #expect(next("create schema orders shards 8 on rds") == ([], [.rds]))
        #expect(next("create schema orders shards 8 on rds rds-a") == (["admin", "wait"], []))
        #expect(next("create schema orders shards 8 on rds rds-a", list: true) == ([], [.rds]))
        #expect(next("create schema orders shards 8 on rds rds-a admin user") == ([], [.unlisted]))
        #expect(next("create schema orders shards 8 on rds rds-a admin user root password").keywords == ["prompt", "env", "file"])
        #expect(next("set").keywords == ["on_error", "parameter", "read"])
        #expect(next("set on_error") == (["stop", "continue"], []))
        #expect(next("show").keywords.contains("physical") && next("show physical") == (["processes"], []))
        #expect(next("kill") == (["physical", "process"], []))
        #expect(next("export") == (["users", "schemas", "parameters", "all", "passwords", "to", "schema"], []))
        #expect(next("export users") == (["passwords", "to"], []))
        #expect(next("export to") == ([], [.file]))
        #expect(next("source") == ([], [.file]))
        #expect(next("on instances") == (["like"], [.instance]))
        #expect(next("on instances like '%'") == (["in", "concurrency", "max", "canary"], []))
        #expect(next("alter group default set access") == (["whitelist", "blacklist", "on", "off"], []))
        #expect(next("restore metadata to") == (["instance"], []))
        #expect(next("restore metadata to instance") == ([], [.instance]))
        #expect(next("restore metadata to instance ddm-copy") == (["from", "at"], []))
        #expect(next("compare parameter template busy with") == (["instance", "template"], []))
        #expect(next("alter instance ddm-prod remove") == (["nodes", "node"], []))
        #expect(next("show users") == (["like"], []))
        #expect(next("show instances") == ([], []))
        #expect(next("use instance") == ([], [.instance]))
        #expect(next("create parameter template busy from") == ([], [.template]))
        #expect(next("create parameter template busy with") == ([], [.parameter]))
        #expect(next("alter parameter template busy set") == ([], [.parameter]))
        #expect(next("set parameter") == ([], [.parameter]))
        #expect(next("move transaction logs on node") == ([], [.node]))
    }

    @Test func listsAndStatementsInsideStatements() {
        #expect(next("grant") == (["exactly"], [.privilege]))
        #expect(next("grant SELECT") == (["on"], []))
        #expect(next("grant SELECT", list: true) == ([], [.privilege]))
        #expect(next("grant SELECT on orders to app") == ([], []))
        #expect(next("grant SELECT on orders to app", list: true) == ([], [.account]))
        #expect(next("revoke INSERT") == (["on", "from"], []))
        #expect(next("grant exactly SELECT on orders to app") == (["comment"], []))
        #expect(next("explain").keywords == Set(StatementCatalog.starts))
        #expect(next("explain drop schema orders") == next("drop schema orders"))
        // A schema named like a keyword still completes its statement.
        #expect(next("drop schema nodes") == (["if", "delete", "wait"], []))
    }

    /// Statements that share a path, or a line that uses a word twice, offer only what can come
    /// next in the statement being typed.
    @Test func onlyTheStatementBeingTypedIsContinued() {
        // `switch` after the schema is `switch route`, not the reshard's `switch at|manually`.
        #expect(next("alter schema orders switch") == (["route"], []))
        #expect(next("alter schema orders reshard switch") == (["at", "manually"], []))
        // `to` first is the target instance; the map's `to <rds>` comes only after `map <rds>`.
        #expect(next("restore to") == (["instance"], []))
        #expect(next("restore to instance ddm-copy at '2026-12-01T00:00:00Z' map rds-a to") == ([], [.rds]))
        // `on|off` are two words of one clause, not two phrases: neither begins an alter.
        #expect(!next("alter instance ddm-prod").keywords.contains("off"))
        #expect(next("alter instance ddm-prod set ssl") == (["on", "off"], []))
        // `none` is the other way to set a blacklist, offered beside its kinds.
        #expect(next("alter schema orders set sql blacklist") == (["prefix", "full", "regex", "none"], []))
        // Options written in any order still continue (`create user … comment … with`).
        #expect(next("create user app password prompt comment 'x' with") == ([], [.privilege]))
    }

    @Test func slotsAreTypedWhereTheirNameIsNot() throws {
        // `<u>` is a DDM account in `drop user`, a new name in `create user`, a data node's account in `admin user`.
        #expect(next("drop user") == ([], [.account]))
        #expect(next("create user") == ([], [.unlisted]))
        #expect(next("alter schema orders reshard admin user") == ([], [.unlisted]))
        #expect(next("show slow queries user") == ([], [.account]))
        // `<t>` is a template, or the instance a restore goes to.
        #expect(next("show parameter template") == ([], [.template]))
        #expect(next("restore to instance") == ([], [.instance]))
        // Every line begins with its path, so the path and the line read alike.
        for entry in StatementCatalog.entries {
            let line = try #require(StatementCatalog.lines[entry.id])
            #expect(line.words(before: entry.path).isSuperset(of: entry.path), "\(entry.id): \(entry.grammar)")
        }
    }
}
