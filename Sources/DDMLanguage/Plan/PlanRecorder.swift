import DDMKit
import Foundation

/// Collects a saved plan while a dry run runs: the statement running (`Evaluator.run`), each write
/// it would make (`Evaluator.perform`, and a batch's per account), and each read (`RecordingTransport`,
/// below the client). Shared between the evaluator and the transport's tasks, so locked.
public final class PlanRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var statements: [SavedPlan.Statement] = []
    private var reads: [SavedPlan.Read] = []
    /// The statement running: its text, place, and the reads made since it began.
    private var current: (text: String, file: String, range: SourceRange, reads: [Int], index: Int?)?
    /// Why this run cannot be saved as a plan, when it cannot.
    public private(set) var unsupported: String?

    public init() {}

    /// A statement begins: its reads and writes are its own until the next begins.
    func begin(_ step: PlanStep) {
        let s = step.step
        if s.id == .fleet { lock.withLock { unsupported = unsupported ?? "a saved plan is of one instance; a fleet ('on instances …') cannot be saved" } }
        let text = s.text
        // The instance the statements after it run on: kept whether or not it writes.
        let keep = s is UseInstance<Resolved>
        lock.withLock {
            current = (text, step.file, step.range, [], nil)
            if keep { open() }
        }
    }

    /// A write the running statement would make, as the dry run says it.
    func write(_ summary: String) {
        lock.withLock {
            guard current != nil else { return }
            let i = open()
            statements[i].writes.append(summary)
        }
    }

    /// The running statement's entry (made on its first write); called with the lock held.
    @discardableResult private func open() -> Int {
        if let i = current?.index { return i }
        guard let c = current else { return -1 }
        statements.append(SavedPlan.Statement(statement: c.text, at: "\(c.file)@\(c.range.start)", writes: [], reads: c.reads))
        current?.index = statements.count - 1
        return statements.count - 1
    }

    /// A read as it was answered. The instance list is not kept: it changes with every other
    /// instance of the project, and the plan names its instance by id instead. Nor is an answer
    /// the client tries again (429, 5xx): it says nothing of the state, and its retry is kept.
    func read(method: String, path: String, query: [(String, String)], status: Int, body: [UInt8]) {
        guard method == "GET", !path.hasSuffix("/instances"), status != 429, status < 500 else { return }
        let value = status < 300 ? try? JSONDecoder().decode(JSONValue.self, from: Data(body)) : nil
        lock.withLock {
            reads.append(SavedPlan.Read(method: method, path: path, query: query.map { [$0.0, $0.1] }, status: status, body: value))
            let i = reads.count - 1
            current?.reads.append(i)
            if let s = current?.index { statements[s].reads.append(i) }
        }
    }

    /// The plan recorded. `locate` turns a statement's file and offset into `file:line:column`.
    public func plan(endpoint: String, project: String, instance: SavedPlan.Instance?, source: String, created: Date,
                     locate: (String, Int) -> String) -> SavedPlan {
        lock.withLock {
            var statements = statements
            for i in statements.indices {
                let parts = statements[i].at.split(separator: "@", omittingEmptySubsequences: false)
                if parts.count >= 2, let offset = Int(parts.last!) { statements[i].at = locate(parts.dropLast().joined(separator: "@"), offset) }
            }
            return SavedPlan(format: SavedPlan.format, version: SavedPlan.currentVersion, created: ISO8601DateFormatter().string(from: created),
                             ddmsh: DDMClient.version, endpoint: endpoint, project: project, instance: instance, source: source,
                             statements: statements, reads: reads)
        }
    }

    /// A batch's write to one account, the same words in the plan and when it is applied.
    static func accountWrite(_ account: String, before: String, after: String) -> String {
        "modify account \(account): \(before) → \(after)"
    }
}

/// Below the client: each read and its answer go to the recorder as they come.
public struct RecordingTransport: HTTPTransport {
    let inner: any HTTPTransport
    let recorder: PlanRecorder

    public init(_ inner: any HTTPTransport, recorder: PlanRecorder) { self.inner = inner; self.recorder = recorder }

    public func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        let response = try await inner.send(request)
        recorder.read(method: request.method, path: request.path, query: request.query, status: response.status, body: response.body)
        return response
    }
}

/// `ddmsh apply`: the writes the plan holds, each allowed once; anything else is refused before
/// it is sent, so a run can only make the plan's writes.
public final class PlanGuard: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: [String: Int] = [:]
    private var order: [String]

    public init(_ plan: SavedPlan) {
        order = plan.writes
        for w in order { remaining[w, default: 0] += 1 }
    }

    func admit(_ write: String) throws {
        try lock.withLock {
            guard let n = remaining[write], n > 0 else {
                throw EvaluationError("the plan does not have this write: \(write); it was not sent (the state the plan read may have changed while it was applied)", kind: .failed)
            }
            remaining[write] = n - 1
        }
    }

    /// The plan's writes not made (a statement that stopped before them).
    public var notMade: [String] {
        lock.withLock {
            var left = remaining
            return order.filter { w in
                guard let n = left[w], n > 0 else { return false }
                left[w] = n - 1
                return true
            }
        }
    }
}

extension Evaluator {
    /// A write as a plan holds it: with the instance it is made on (by id), so the same words on
    /// another instance are another write.
    func plannedWrite(_ summary: String) -> String {
        currentInstance.map { "\($0.id): \(summary)" } ?? summary
    }
}

extension Evaluator {
    /// The instance a saved plan is for: the one selected before the script runs, resolved to its
    /// id (one read of the instance list, which the run would make anyway); nil when none is.
    public func planInstance() async -> SavedPlan.Instance? {
        guard pendingInstance != nil || currentInstance != nil else { return nil }
        _ = try? await instanceId()
        return currentInstance.map { SavedPlan.Instance(id: $0.id, name: $0.name) }
    }
}
