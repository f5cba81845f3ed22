import Foundation

/// Where `show tasks since '<when>'` starts: a moment (`2026-11-20`, `2026-11-20T08:00:00Z`) or a
/// span back from now (`36h`, `3d`, `90m`). DDM lists tasks of the last 30 days at most.
public enum TaskWindow {
    public enum Since: Sendable, Equatable, CustomStringConvertible {
        case moment(Date)
        case back(seconds: TimeInterval)

        public static func days(_ n: Int) -> Since { .back(seconds: TimeInterval(n) * 86_400) }

        public init?(_ text: String) {
            let t = text.trimmingCharacters(in: .whitespaces)
            if t == "now" { self = .back(seconds: 0); return }
            if let unit = t.last, let n = Double(t.dropLast()), n > 0, let scale = ["m": 60.0, "h": 3_600.0, "d": 86_400.0][unit] {
                self = .back(seconds: n * scale)
                return
            }
            let full = ISO8601DateFormatter()
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            guard let date = full.date(from: t) ?? day.date(from: t) else { return nil }
            self = .moment(date)
        }

        public func start(now: Date) -> Date {
            switch self {
            case .moment(let d): d
            case .back(let s): now.addingTimeInterval(-s)
            }
        }

        /// The window from here to `now`, refused before sending when the service lists less far
        /// back than it reaches (`what` names the list, as in "tasks of the last").
        public func window(now: Date, atMost seconds: TimeInterval, of what: String) throws -> (from: Date, to: Date) {
            let from = start(now: now)
            guard now.timeIntervalSince(from) <= seconds + 1 else {
                throw EvaluationError("DDM lists \(what) \(Int(seconds / 86_400)) days at most; \(self) is further back")
            }
            return (from, now)
        }

        public var description: String {
            switch self {
            case .moment(let d): "'\(ISO8601DateFormatter().string(from: d))'"
            case .back(0): "'now'"
            case .back(let s) where s.truncatingRemainder(dividingBy: 86_400) == 0: "'\(Int(s / 86_400))d'"
            case .back(let s) where s.truncatingRemainder(dividingBy: 3_600) == 0: "'\(Int(s / 3_600))h'"
            case .back(let s): "'\(Int(s / 60))m'"
            }
        }
    }
}
