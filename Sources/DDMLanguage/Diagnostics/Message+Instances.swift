/// The rules of instances and what is administered on one: nodes, fleets, groups and access
/// control, data nodes, backups, parameters and processes.
public enum InstanceMessage: Sendable, Equatable {
    case unknownOption(String, suggestion: String?)
    /// `create instance` without one of the options DDM requires.
    case missingOption(String, required: [String])
    /// `add nodes`: 1 to 32 at once.
    case addNodesOutOfRange(Int)
    case removeNodesTooFew(Int)

    /// `--max-failures n%`.
    case maxFailuresPercent(Int)
    case invalidRegion(String)
    case fleetInFleet
    /// A fleet's body runs on each target: `use instance` would send them all to one.
    case useInFleet

    case groupNodesOutOfRange(Int)
    /// A whitelist or blacklist with no address (`white` tells which).
    case emptyAccessList(white: Bool)

    case readWeightOutOfRange(Int)

    /// A restore's map sends two sources to one data node.
    case restoreTargetTwice
    /// A restore time is a moment, a span back from now, or `now`.
    case invalidRestoreTime(String)

    case invalidTemplateName(String)
    /// DDM's rule for a template's description: length and characters.
    case invalidTemplateDescription
    /// `copy` takes no `set`: the values are the template's.
    case copyTakesValues

    case processIdNotNumber(String)

    var text: String {
        switch self {
        case .unknownOption(let key, let suggestion): "unknown instance option '\(key)'" + (suggestion.map(Message.didYouMean) ?? "")
        case .missingOption(let key, let required): "create instance needs '\(key) = …' (required: \(required.joined(separator: ", ")))"
        case .addNodesOutOfRange(let n): "add nodes takes 1 to 32 nodes (got \(n))"
        case .removeNodesTooFew(let n): "remove nodes takes 1 or more (got \(n))"
        case .maxFailuresPercent(let n): "max failures is a percentage from 0 to 100 (got \(n)%)"
        case .invalidRegion(let region): "invalid region '\(region)': letters, digits and '-', such as ap-southeast-1"
        case .fleetInFleet: "a fleet's body cannot hold another fleet"
        case .useInFleet: "a fleet's body runs on each target; 'use instance' cannot choose another (name the instance in the fleet's list)"
        case .groupNodesOutOfRange(let n): "a group has 1 to 32 nodes (got \(n))"
        case .emptyAccessList(let white): "a \(white ? "whitelist" : "blacklist") needs at least one address (or: set access off)"
        case .readWeightOutOfRange(let n): "a read weight is 0 to 100 (got \(n))"
        case .restoreTargetTwice: "each data node takes one source's data; one is named twice"
        case .invalidRestoreTime(let got):
            "a restore time is a moment such as '2026-11-26T08:00:00Z', a span back from now such as '2h', or 'now' (got '\(got)')"
        case .invalidTemplateName(let name): "a parameter template name is 1 to 64 letters, digits, '.', '_' or '-' (got '\(name)')"
        case .invalidTemplateDescription: "a description is at most 256 characters, none of ! < > = & \" '"
        case .copyTakesValues: "a copy takes its values from its template; change them after with 'alter parameter template … set …'"
        case .processIdNotNumber(let id): "physical process ids are numbers; '\(id)' is not"
        }
    }

    static let samples: [InstanceMessage] = [
        .unknownOption("x", suggestion: nil), .unknownOption("x", suggestion: "y"), .missingOption("x", required: ["x", "y"]),
        .addNodesOutOfRange(7), .removeNodesTooFew(7), .maxFailuresPercent(7), .invalidRegion("x"), .fleetInFleet, .useInFleet,
        .groupNodesOutOfRange(7), .emptyAccessList(white: true), .emptyAccessList(white: false),
        .readWeightOutOfRange(7), .restoreTargetTwice, .invalidRestoreTime("x"),
        .invalidTemplateName("x"), .invalidTemplateDescription, .copyTakesValues, .processIdNotNumber("x"),
    ]
}
