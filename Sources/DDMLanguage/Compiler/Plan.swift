import DDMKit

/// What a script will do, as data: `explain` and `--dry-run` print it, and
/// compiler tests compare it as text without a network.
public struct Plan: Sendable {
    public var steps: [PlanStep]
    public init(steps: [PlanStep] = []) { self.steps = steps }

    public var description: String { description(routes: .init()) }

    /// The steps with each call's route as the client will send it.
    public func description(routes: RouteVersions) -> String {
        steps.map { $0.step.description(routes: routes) }.joined(separator: "\n")
    }
}

/// Which version of each call `explain` shows: the client's choice and what it has learned.
public struct RouteVersions: Sendable {
    public var choice: APIVersionChoice
    public var olderOnly: Set<DDMOperationID>
    public init(choice: APIVersionChoice = .auto, olderOnly: Set<DDMOperationID> = []) { self.choice = choice; self.olderOnly = olderOnly }
    func v3(_ id: DDMOperationID) -> Bool { choice != .v1 && !olderOnly.contains(id) }
}

public struct PlanStep: Sendable {
    public var step: any Step
    public var range: SourceRange
    public var file: String

    public init(_ step: any Step, range: SourceRange, file: String) { self.step = step; self.range = range; self.file = file }

    public var description: String { step.description }
}

/// What `export` writes and how the script it writes gets passwords.
public enum ExportOptions {
    public enum Scope: String, Sendable { case users, schemas, parameters, all
        var users: Bool { self == .users || self == .all }
        var schemas: Bool { self == .schemas || self == .all }
        var parameters: Bool { self == .parameters || self == .all }
    }
    public enum Passwords: String, Sendable { case prompt, env }
}

/// One API call a step makes, as `explain` prints it: a step's calls are `[PlannedCall]`.
public struct PlannedCall: Sendable, Equatable {
    public var operation: DDMOperationID
    /// What it is for, e.g. `list accounts, every page, once`.
    public var note: String
    /// The schema, account or job it is about, when the plan knows it.
    public var object: String?
    public var deleteData = false
    /// Extended privileges are in it: under `auto` the client sends the older call, the only
    /// one that carries (or shows) them.
    public var extended = false

    init(_ operation: DDMOperationID, _ note: String, object: String? = nil, deleteData: Bool = false, extended: Bool = false) {
        self.operation = operation; self.note = note; self.object = object; self.deleteData = deleteData; self.extended = extended
    }

    /// `  GET    /v3/{project_id}/instances  (list instances, every page)`, the route from DDMKit.
    public func text(routes: RouteVersions = .init()) -> String {
        let v3 = routes.v3(operation) && !(extended && routes.choice == .auto)
        let r = operation.route(object: object, deleteData: deleteData, v3: v3)
        return "  \(r.method.padding(toLength: 6, withPad: " ", startingAt: 0)) \(r.target)  (\(note))"
    }
}

extension Step {
    /// The step changes nothing in the service: every call it makes is a GET (derived from
    /// `calls`, so a new statement needs no list of its own here).
    public var onlyReads: Bool { calls.allSatisfy { $0.operation.sdk.method == "GET" || $0.operation.checksOnly } }

    /// Plan text: what the step means, then the API calls it makes.
    public var description: String { description(routes: .init()) }

    public func description(routes: RouteVersions) -> String {
        ([headline] + calls.map { $0.text(routes: routes) }).joined(separator: "\n")
    }
}

/// The calls every instance-level statement shares, as `explain` prints them.
extension PlannedCall {
    static let resolve = PlannedCall(.listInstances, "resolve the instance name, once per session")
    static let pollUntilRunning = [PlannedCall(.showInstance, "poll until RUNNING"), PlannedCall(.showJob, "the job's progress, while polling")]
}
