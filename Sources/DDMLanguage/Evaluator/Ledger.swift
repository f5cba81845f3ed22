import Synchronization

/// Every write a run applied, across all of its targets, in the order the service confirmed them.
/// The executor records a write here as soon as its answer arrives, before the statement prints
/// anything: a signal, a closed pipe or a later failure in the same statement can then stop the
/// statement, and the run's account still names the write. A fleet's targets share their
/// parent's ledger, each entry carrying its target, so an interrupted fleet reports every
/// target's changes, not only those of the statement that returned.
public final class Ledger: Sendable {
    public struct Entry: Sendable, Equatable {
        /// The fleet target (`region/instance` across regions) it was made on; nil outside a fleet.
        public var target: String?
        /// What was done, as the executor's summary says it.
        public var summary: String
        /// False for a write whose answer was lost and could not be read back.
        public var known = true

        /// The line the run's account prints.
        public var line: String { target.map { "\($0): \(summary)" } ?? summary }
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    func record(_ summary: String, target: String?, known: Bool = true) {
        entries.withLock { $0.append(Entry(target: target, summary: summary, known: known)) }
    }

    /// A position to read from later: what was recorded after it is what one step did.
    var mark: Int { entries.withLock { $0.count } }

    /// What was recorded after `mark`: a fleet target's own entries, or (nil) every target's.
    func since(_ mark: Int, target: String?) -> [Entry] {
        entries.withLock { all in all[min(mark, all.count)...].filter { target == nil || $0.target == target } }
    }
}
