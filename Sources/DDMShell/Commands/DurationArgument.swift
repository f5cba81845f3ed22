import ArgumentParser

/// `20ms`, `1.5s`, `2m` or a bare number of seconds.
public struct DurationArgument: ExpressibleByArgument, Sendable {
    public var seconds: Double

    public init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for (suffix, factor) in units where argument.hasSuffix(suffix) {
            guard let n = Double(argument.dropLast(suffix.count)), n >= 0 else { return nil }
            seconds = n * factor
            return
        }
        guard let n = Double(argument), n >= 0 else { return nil }
        seconds = n
    }
}
