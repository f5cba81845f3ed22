/// For `auto`: which operations this endpoint serves only through the older call. The first v3
/// call of an operation kind probes; calls of the same kind made meanwhile wait for its answer,
/// so a missing v3 costs one extra call per kind, however many statements run at once.
actor APIRouter {
    enum Route: Equatable { case v3, probe, older }

    private enum State { case works, older, probing }
    private var states: [DDMOperationID: State] = [:]
    private var waiting: [DDMOperationID: [CheckedContinuation<Void, Never>]] = [:]
    private let remember: @Sendable (DDMOperationID) -> Void
    /// Operations whose older call this endpoint refused (the gateway's "no such API").
    private(set) var withoutOlder: Set<DDMOperationID>
    private let rememberNoOlder: @Sendable (DDMOperationID) -> Void

    init(olderOnly: Set<DDMOperationID>, withoutOlder: Set<DDMOperationID> = [],
         remember: @escaping @Sendable (DDMOperationID) -> Void,
         rememberNoOlder: @escaping @Sendable (DDMOperationID) -> Void = { _ in }) {
        for id in olderOnly { states[id] = .older }
        self.remember = remember
        self.withoutOlder = withoutOlder
        self.rememberNoOlder = rememberNoOlder
    }

    /// The older call of `id` is not served here: learned once, then not asked again.
    func olderMissing(_ id: DDMOperationID) {
        guard withoutOlder.insert(id).inserted else { return }
        rememberNoOlder(id)
    }

    func route(_ id: DDMOperationID) async -> Route {
        while true {
            switch states[id] {
            case .works: return .v3
            case .older: return .older
            case nil: states[id] = .probing; return .probe
            case .probing: await withCheckedContinuation { waiting[id, default: []].append($0) }
            }
        }
    }

    /// The probe's outcome: `missing` true for the gateway's 404, nil when the answer told nothing
    /// (a throttle, a network error); then the next caller probes again.
    func settle(_ id: DDMOperationID, missing: Bool?) {
        switch missing {
        case true?: states[id] = .older; remember(id)
        case false?: states[id] = .works
        case nil: states[id] = nil
        }
        for w in waiting.removeValue(forKey: id) ?? [] { w.resume() }
    }

    var olderOnly: Set<DDMOperationID> { Set(states.filter { $0.value == .older }.keys) }
}
