import ArgumentParser

/// How results are written: aligned tables for people, JSON or CSV for programs.
public enum OutputFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case table, json, csv
}
