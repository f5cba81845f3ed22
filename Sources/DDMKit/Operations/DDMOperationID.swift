import Foundation
import Logging

/// A DDM operation named without calling it: what the statement catalogue lists and `explain`
/// prints. Each entry is declared in its family's `…Operations.swift`, next to its request
/// builders and typed call; its routes come from those builders, called with placeholders for
/// what is not known yet, so a printed route cannot drift from the one that is sent.
public struct DDMOperationID: Hashable, Sendable, CustomStringConvertible {
    /// The name kept in the endpoint memory, e.g. `listAccounts`.
    public let rawValue: String
    /// The SDK's operations for it (`SDKOperations.swift`, generated from the pinned SDK): the
    /// older call, and the v3 one where there is a second generation (docs/client.md, "API
    /// versions"). `OperationTableTests` holds every route to these.
    public let sdkNames: (older: String, v3: String?)
    /// A call that changes nothing although it is not a GET (a check that posts what it checks):
    /// plans count it as a read, and it is neither journaled nor needs an inverse.
    public let checksOnly: Bool
    private let routes: @Sendable (DDMAPI, Placeholders) -> Routes

    init(_ rawValue: String, sdk older: String, v3: String?, checksOnly: Bool = false,
         routes: @escaping @Sendable (DDMAPI, Placeholders) -> Routes) {
        self.rawValue = rawValue
        self.sdkNames = (older, v3)
        self.checksOnly = checksOnly
        self.routes = routes
    }

    /// Every operation, family by family.
    public static let allCases: [DDMOperationID] = instances + dataNodes + schemas + accounts + catalog + nodes
        + parameters + settings + history + processes + reshard + backups + schemaExtras + groups + restores + parameterTemplates + logs

    private static let byName = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    public init?(rawValue: String) {
        guard let found = Self.byName[rawValue] else { return nil }
        self = found
    }

    public static func == (a: Self, b: Self) -> Bool { a.rawValue == b.rawValue }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }
    public var description: String { rawValue }

    /// One call as `explain` shows it.
    public struct Route: Sendable, Equatable {
        /// The client's name for it, e.g. `modify account`.
        public var name: String
        public var method: String
        /// Path, with `{project_id}` and any placeholder left in braces.
        public var path: String
        /// `key=value&…`, empty when none.
        public var query: String

        public var target: String { query.isEmpty ? path : path + "?" + query }

        init<R>(_ op: DDMOperation<R>) {
            // Placeholders went through the path encoder like any name; put their braces back.
            name = op.name
            method = op.method
            path = op.path.replacingOccurrences(of: "%7B", with: "{").replacingOccurrences(of: "%7D", with: "}")
            query = op.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        }
    }

    /// What an entry's builders are called with: the instance, the object when known, and
    /// whether a delete takes the data with it.
    struct Placeholders: Sendable {
        var instance: String
        var object: String?
        var deleteData: Bool
    }

    /// An entry's routes: the older call's, and v3's where there is one that can express it.
    struct Routes {
        var older: Route
        var v3: Route?
        /// How each call's answer is read, for the response conformance test.
        var readOlder: AnswerReader
        var readV3: AnswerReader?
        init<A>(_ older: DDMOperation<A>) {
            self.older = Route(older)
            self.readOlder = Self.reader(older)
        }
        init<A, B>(_ older: DDMOperation<A>, v3: DDMOperation<B>?) {
            self.older = Route(older)
            self.v3 = v3.map(Route.init)
            self.readOlder = Self.reader(older)
            self.readV3 = v3.map(Self.reader)
        }

        static func reader<R>(_ op: DDMOperation<R>) -> AnswerReader {
            { body in try DDMClient.read(R.self, HTTPResponseData(status: 200, headers: [], body: body), operation: op.name,
                                         logger: Logger(label: "ddmkit.answers")) }
        }
    }

    /// Reads an answer's body into the call's response type, as the client does.
    typealias AnswerReader = @Sendable ([UInt8]) throws -> any Sendable

    /// How the answer of this entry's older call (or v3's) is read: the type DDMKit decodes it into.
    func answerReader(v3: Bool) -> AnswerReader {
        let r = routes(DDMAPI(projectId: "{project_id}"), Placeholders(instance: "{instance_id}", object: nil, deleteData: false))
        return v3 ? r.readV3 ?? r.readOlder : r.readOlder
    }

    /// The older call's SDK operation.
    public var sdk: SDKOperation { SDKOperation.named(sdkNames.older)! }
    public var sdkV3: SDKOperation? { sdkNames.v3.flatMap(SDKOperation.named) }

    /// Whether the SDK has a v3 call for it (docs/client.md, "API versions").
    public var hasV3: Bool { sdkNames.v3 != nil }

    /// - Parameters:
    ///   - instance: the instance id, or its placeholder.
    ///   - object: the schema, account, job or node the call is about, when known.
    ///   - deleteData: for the deletes that take `delete_rds_data`.
    ///   - v3: the v3 call's route where there is one.
    public func route(instance: String = "{instance_id}", object: String? = nil, deleteData: Bool = false, v3: Bool = false) -> Route {
        let r = routes(DDMAPI(projectId: "{project_id}"), Placeholders(instance: instance, object: object, deleteData: deleteData))
        return v3 ? r.v3 ?? r.older : r.older
    }
}
