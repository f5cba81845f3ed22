import DDMKit
import Foundation
import Testing
@testable import DDMLanguage

/// The diagnostics catalogue: each rule one case, worded once, every case rendered.
@Suite struct MessageCatalogueTests {
    /// The case a value is, with its family's case after it (`account.noBasicPrivilege`).
    static func label(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        guard let child = mirror.children.first, let name = child.label else { return String(describing: value) }
        // A family's case wraps a value of the family's enum; any other payload is arguments.
        if child.value is AccountMessage || child.value is InstanceMessage || child.value is SchemaMessage {
            return name + "." + label(child.value)
        }
        return name
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The cases each catalogue file declares (a declaration is `case name` at the enum's
    /// indentation; a `switch`'s are deeper and start with a dot).
    static func declaredCases(_ file: String) throws -> [String] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("Sources/DDMLanguage/Diagnostics/\(file)"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> String? in
            let t = line.hasPrefix("    indirect case ") ? line.dropFirst(13) : line.hasPrefix("    case ") ? line.dropFirst(4) : nil
            guard let t else { return nil }
            return String(t.dropFirst(5).prefix { $0.isLetter || $0.isNumber })
        }
    }

    @Test func everyCaseHasASample() throws {
        let sampled = Set(Message.samples.map(Self.label))
        var declared: Set<String> = []
        let families = ["account": "Message+Accounts.swift", "instance": "Message+Instances.swift", "schema": "Message+Schemas.swift"]
        for name in try Self.declaredCases("Message.swift") {
            if let file = families[name] {
                for inner in try Self.declaredCases(file) { declared.insert(name + "." + inner) }
            } else {
                declared.insert(name)
            }
        }
        // A catalogue read wrongly would make the comparison vacuous.
        #expect(declared.isSuperset(of: ["unterminated", "neededOnlyIf", "account.noBasicPrivilege", "instance.useInFleet", "schema.reshardNeedsChange"]),
                "\(declared.sorted())")
        #expect(declared.subtracting(sampled).isEmpty, "cases without a sample: \(declared.subtracting(sampled).sorted())")
        #expect(sampled.subtracting(declared).isEmpty, "samples of no declared case: \(sampled.subtracting(declared).sorted())")
    }

    /// The samples give every case the same arguments (`x`, `y`, 7), so two cases that say the
    /// same thing render the same text here: one of them is a second wording of one rule.
    @Test func noTwoCasesRenderAlikeAndNoneIsEmpty() {
        var byText: [String: Set<String>] = [:]
        for m in Message.samples {
            let text = m.text
            #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(Self.label(m)) renders empty")
            #expect(text == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(Self.label(m)) renders with blanks around: '\(text)'")
            byText[text, default: []].insert(Self.label(m))
        }
        for (text, cases) in byText where cases.count > 1 {
            Issue.record("\(cases.sorted()) all render '\(text)'")
        }
    }

    @Test func kindsTheShellActsOnStay() {
        #expect(Message.unterminated("string").kind == .incomplete)
        #expect(Message.noInstanceSelected.kind == .noInstance)
        #expect(Message.cannotRead(path: "p", reason: "r").kind == .io)
        #expect(Message.expected("x", found: "y").kind == .other)
    }

    func compile(_ text: String) -> [String] {
        var o = Compiler.Options()
        o.instanceSelected = true
        return Compiler.compile(SourceFile(name: "t.ddm", text: text), options: o).diagnostics.map(\.message)
    }

    /// `create user` checks one name (`accountName`), a grant a list (`accountNames`): two paths
    /// that once worded the rule two ways.
    @Test func theAccountNameRuleReadsTheSameOnEveryPath() {
        let created = compile("create user 9lives password 'App_pass_12!';")
        let granted = compile("grant SELECT on orders to 9lives;")
        let shown = compile("show grants for 9lives;")
        let expected = Message.invalidAccountName("9lives").text
        #expect(created == [expected])
        #expect(granted == [expected])
        #expect(shown == [expected])
        #expect(expected.contains("ASCII letters, digits and '_'"))
        // The rule it states is the one checked: a letter of another script is refused.
        #expect(compile("create user jörg password 'App_pass_12!';") == [Message.invalidAccountName("jörg").text])
    }

    /// A group's name has the instance name's rule (OTC's reference), so it is stated in the same words.
    @Test func instanceAndGroupNamesStateOneRule() {
        let rule = ": 4 to 64 characters, starting with a letter; letters, digits, '-' and '_'"
        #expect(compile("create group rep nodes 2;") == ["invalid group name 'rep'" + rule])
        #expect(compile("rename instance ddm-demo to x;") == ["invalid instance name 'x'" + rule])
        #expect(compile("create instance x with flavor=f, nodes=2, vpc=v, subnet=s, security_group=g, az=[a];") == ["invalid instance name 'x'" + rule])
    }

    /// An option, a clause, a parameter or a data node given twice: one wording, from the parser
    /// and the compiler alike.
    @Test func givenTwiceReadsTheSameEverywhere() {
        #expect(compile("create instance ddm-x with flavor=f, nodes=2, nodes=3;") == ["option 'nodes' is given twice; give it once"])
        #expect(compile("set parameter max_connections = 1, MAX_CONNECTIONS = 2;") == ["parameter 'MAX_CONNECTIONS' is given twice; give it once"])
        #expect(compile("set read weights rds-orders = 10, rds-orders = 20;") == ["data node 'rds-orders' is given twice; give it once"])
        #expect(compile("restore metadata to instance ddm-copy at 'now' data nodes rds-a, rds-b, rds-a;")
                == ["data node 'rds-a' is given twice; give it once"])
        #expect(compile("alter schema s reshard shards 4 shards 16;") == ["'shards' is given twice; give it once"])
        // Where a grammar takes its clauses in one order, the second time a clause is written is
        // said as such too, not as what was expected there (language.md's own example).
        #expect(compile("create schema orders shards 4 shards 8 on rds rds-orders;") == ["'shards' is given twice; give it once"])
        #expect(compile("grant exactly SELECT to app comment 'a' comment 'b';") == ["'comment' is given twice; give it once"])
        #expect(compile("show audit limit 1 limit 2;") == ["'limit' is given twice; give it once"])
        #expect(compile("on instances (ddm-a) concurrency 2 concurrency 3 { show schemas; }").first == "'concurrency' is given twice; give it once")
        // A word the statement did not write before is what it is: unexpected.
        #expect(compile("drop user app extra;") == ["expected ';' at the end of the statement, found 'extra'"])
    }

    /// A count out of its range says what was given, whichever statement holds it.
    @Test func rangeRuleReadsTheSameEverywhere() {
        #expect(compile("create instance ddm-x with flavor=f, nodes=0, vpc=v, subnet=s, security_group=g, az=[a];") == ["nodes must be from 1 to 32 (got 0)"])
        #expect(compile("show slow queries limit 5000;") == ["limit must be from 1 to 1000 (got 5000)"])
    }
}
