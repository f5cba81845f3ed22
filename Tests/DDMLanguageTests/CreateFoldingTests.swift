import DDMKit
import Testing
@testable import DDMLanguage

/// Grants right after the creates of their accounts are sent with the creates (issue 24: one
/// call per account instead of a create, a read and a modify).
@Suite struct CreateFoldingTests {
    func plan(_ text: String) -> [PlanStep] {
        var o = Compiler.Options()
        o.instanceSelected = true
        let out = Compiler.compile(SourceFile(name: "t.ddm", text: text), options: o)
        #expect(out.diagnostics.isEmpty, "\(out.diagnostics.map(\.message))")
        return out.plan.steps
    }

    func creates(_ steps: [PlanStep]) -> [String] { steps.compactMap { ($0.step as? CreateUser<Resolved>)?.headline } }
    func batches(_ steps: [PlanStep]) -> [String] {
        steps.compactMap { $0.step.grants?.changes.map(\.description).joined(separator: "; ") }
    }

    @Test func grantsAfterCreatesGoIntoThem() {
        let steps = plan("""
            for u in (a, b) { create user $u password 'App_pass_12!'; }
            grant SELECT, INSERT on orders to a, b;
            revoke INSERT from b;
            grant exactly SELECT on orders, billing to a comment 'reports';
            """)
        #expect(creates(steps) == ["create user a with SELECT on orders, billing", "create user b with SELECT on orders"], "\(steps.map(\.description))")
        #expect(batches(steps).isEmpty)
        let a = steps.compactMap { $0.step as? CreateUser<Resolved> }.first
        #expect(a?.comment == "reports")
    }

    @Test func whatMustStayAsWritten() {
        // The account may exist already: its grants must still reach it.
        #expect(batches(plan("create user a if not exists password 'App_pass_12!'; grant INSERT on orders to a;")) == ["grant INSERT on orders to a"])
        // Another account in the statement may not exist: the statement fails whole then.
        #expect(batches(plan("create user a password 'App_pass_12!'; grant INSERT on orders to a, ghost;")) == ["grant INSERT on orders to a, ghost"])
        // A statement between may read or change the account.
        #expect(batches(plan("create user a password 'App_pass_12!'; show users; grant INSERT on orders to a;")) == ["grant INSERT on orders to a"])
        // No basic privilege left: the create could not carry it.
        #expect(batches(plan("create user a password 'App_pass_12!'; revoke SELECT from a;")) == ["revoke SELECT from a"])
    }
}
