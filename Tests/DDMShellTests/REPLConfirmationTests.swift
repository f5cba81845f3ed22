import Foundation
import Testing

/// What a person sees before saying yes to a change that overwrites, and what the service holds
/// after "no" and after "yes" (issue "The rest of DDM": a blacklist change, a group's access
/// control switch, a restore).
extension REPLTests {
    @Test(.enabled(if: Terminal.available)) func aBlacklistChangeShowsWhatChangesBeforeAsking() throws {
        let t = try Terminal()
        try t.start()
        try t.line("create schema shop shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';")
        try t.waitFor("creating schema shop")
        try t.line("alter schema shop set sql blacklist prefix ('DROP TABLE') full ('delete from orders');")
        try t.waitFor("set the SQL blacklist of shop (2 changes)? Statements it lists are refused on shop from then on [y/N]")
        #expect(t.screen.contains("+ prefix 'DROP TABLE'") && t.screen.contains("+ full 'delete from orders'"), "\(t.screen)")
        try t.line("n")
        try t.waitFor("not done")
        try t.line("show sql blacklist for shop;")
        try t.waitFor("(0 rows)")
        try t.line("alter schema shop set sql blacklist prefix ('DROP TABLE') full ('delete from orders');")
        try t.waitFor("[y/N]", occurrences: 2)
        try t.line("y")
        try t.waitFor("set the SQL blacklist of shop")
        try t.line("show sql blacklist for shop;")
        try t.waitFor("(2 rows)")
        #expect(t.screen.contains("prefix  DROP TABLE") && t.screen.contains("full    delete from orders"), "\(t.screen)")
        // Replacing one kind shows what leaves as well as what comes.
        try t.line("alter schema shop set sql blacklist prefix ('TRUNCATE');")
        try t.waitFor("[y/N]", occurrences: 3)
        #expect(t.screen.contains("- prefix 'DROP TABLE'") && t.screen.contains("+ prefix 'TRUNCATE'"), "\(t.screen)")
        try t.line("y")
        try t.line("show sql blacklist for shop;")
        try t.waitFor("prefix  TRUNCATE")
        try t.quit()
    }
}
