import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Synchronization
import Testing
@testable import DDMLanguage

/// The bodies the SDK's response models allow (`Tests/SDKSpec/responses-*.json`, written by
/// `scripts/sdk-responses`), each served to a statement that reads it: the local service answers
/// every other call, and the operation under test answers with the generated body. For every
/// one of the 124 operations and every variant (sparse, every optional field null, unknown
/// fields, numbers and booleans as strings, strings as numbers, null and absent lists, an order
/// instead of a job):
///
/// - the statement does not fail, and nothing says the answer could not be read;
/// - every field the statement shows of the full body is shown in every other variant where
///   the variant has a value for it (ids, names and the values kept), as sent;
/// - where the answer is an order, the order id is said.
///
/// The check on what is shown works because the generated values are distinct numbers (101,
/// 102, …): a field of the full body is "shown" when its value is in the output.
@Suite(.stopsWhatItStarts) struct StatementsReadEveryAnswerTests {
    /// A statement that makes the operation's call, after a setup that makes the call possible.
    struct Reader: Sendable, CustomTestStringConvertible {
        var operation: String
        var api: APIVersionChoice
        var setup: String
        var statement: String
        /// The variants (all when empty) whose body the statement may refuse, and why: a verdict
        /// or content it needs that the body does not hold. Never a body it cannot read.
        var refuses: (variants: Set<String>, why: String)?
        /// Other calls answered by a fixed body, to lead the statement to the call under test.
        var alsoServe: [String: String] = [:]
        /// Shard configurations the service fails (so that one can be retried).
        var failReshards = 0
        /// Whether a write under test is also sent to the service (its answer replaced): so that
        /// what the statement reads after it (a read-back, a pre-check the start needs) holds.
        /// Off where the write would change what the next variant's run finds (a restore takes
        /// data nodes every instance shares).
        var forwards = true
        var testDescription: String { operation }

        init(_ operation: String, _ api: APIVersionChoice, setup: String = "", _ statement: String,
             refuses: (variants: Set<String>, why: String)? = nil, alsoServe: [String: String] = [:], failReshards: Int = 0,
             forwards: Bool = true) {
            self.operation = operation; self.api = api; self.setup = setup; self.statement = statement
            self.refuses = refuses; self.alsoServe = alsoServe; self.failReshards = failReshards; self.forwards = forwards
        }

        init(_ operation: String, setup: String = "", _ statement: String,
             refuses: (variants: Set<String>, why: String)? = nil, alsoServe: [String: String] = [:], failReshards: Int = 0,
             forwards: Bool = true) {
            self.init(operation, .v3, setup: setup, statement, refuses: refuses, alsoServe: alsoServe, failReshards: failReshards, forwards: forwards)
        }
    }

    /// Answers the calls a test names with the bodies it gives; a read so answered, and a write
    /// the test does not forward, never reach the service. Every other call goes to it.
    final class ServingTransport: HTTPTransport, @unchecked Sendable {
        typealias Answer = @Sendable (HTTPRequestData) -> (body: [UInt8], forward: Bool)?
        private let inner = AsyncHTTPTransport(connectTimeout: .seconds(5), readTimeout: .seconds(30))
        private let answer: Answer
        init(_ answer: @escaping Answer) { self.answer = answer }

        func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
            guard let served = answer(request) else { return try await inner.send(request) }
            if served.forward {
                let real = try await inner.send(request)
                guard (200..<300).contains(real.status) else { return real }
            }
            return HTTPResponseData(status: 200, headers: [("Content-Type", "application/json")], body: served.body)
        }
    }

    static let user = "create user app password env PW with SELECT on orders;"
    static let template = "create parameter template conf-tpl$N description 'x' with max_connections = 30000;"
    static let manualReshard = "alter schema orders reshard shards 16 admin user root password env RDS switch manually wait;"
    static let backup = "drop schema orders;"
    static let reshard = "alter schema orders reshard shards 16 add rds rds-archive admin user root password env RDS switch at '03:00:00';"
    static let group = "create group reporting nodes 1 read only wait;"

    /// `$I` is the instance, `$N` the variant's number, `$SPARE` a second one, `$NODE` a node of `$I`, `$BACKUP` one of its
    /// backups, `$JOB` a job of it, `$FILE` a metadata file the setup may write. Each row runs on
    /// its own instance, with a schema `orders` on rds-orders.
    static let readers: [Reader] = [
        Reader("batch_delete_nodes", "alter instance $I remove node $NODE;"),
        Reader("delete_nodes", .v1, "alter instance $I remove node $NODE;"),
        Reader("shrink_instance_nodes", .v1, "alter instance $I remove nodes 1;"),
        Reader("expand_ddm_instance_nodes", "alter instance $I add nodes 1;"),
        Reader("expand_instance_nodes", .v1, "alter instance $I add nodes 1;"),
        Reader("batch_modify_read_write_strategy", "set read weights rds-orders = 40;"),
        Reader("update_read_and_write_strategy", .v1, "set read weights rds-orders = 40;"),
        Reader("bind_eip", "alter instance $I bind eip 203.0.113.10 id 5c2b7f1e-0d3a-4f7e-9b1c-2a3d4e5f6a7b;"),
        Reader("unbind_eip", setup: "alter instance $I bind eip 203.0.113.10 id 5c2b7f1e-0d3a-4f7e-9b1c-2a3d4e5f6a7b; wait instance $I;",
               "alter instance $I unbind eip;"),
        Reader("change_database_version", "alter instance $I upgrade;"),
        Reader("roll_back_database_version", setup: "alter instance $I upgrade wait;", "alter instance $I rollback upgrade;"),
        Reader("list_database_available_versions", "show engine versions;"),
        Reader("show_risk_info", "show engine risks;"),
        Reader("check_data_node_connection", "check data nodes rds-orders user root password env RDS;",
               refuses: ([], "`success` is a string in the SDK's model; a generated one (a number, or none) is not \"true\", so the login is not said to have worked")),
        Reader("check_migrate_logic_db", reshard,
               refuses: (["nullLists", "noLists"], "an answer without findings names the pre-check's job, whose findings the service does not have")),
        Reader("check_preliminary_results", reshard, alsoServe: ["check_migrate_logic_db": #"{"job_id": "precheck-job-1"}"#]),
        Reader("migrate_logic_db", reshard),
        Reader("list_available_rds_for_migrate", "show reshard targets of orders;"),
        Reader("migrate_results", setup: manualReshard, "show reshard of orders;"),
        Reader("show_migration_log", setup: manualReshard, "show reshard of orders;"),
        Reader("change_strategy", setup: manualReshard, "alter schema orders switch route at '05:30:00';"),
        Reader("switch_route", setup: manualReshard, "alter schema orders switch route;"),
        Reader("cancel_migration", setup: manualReshard, "alter schema orders cancel reshard;"),
        Reader("rollback_migration", setup: manualReshard, "alter schema orders rollback reshard;"),
        Reader("retry_migration", setup: "alter schema orders reshard shards 16 admin user root password env RDS switch manually;",
               "alter schema orders retry reshard;", failReshards: 100),
        Reader("clean_migration", setup: manualReshard + " alter schema orders switch route;", "alter schema orders clean reshard;"),
        Reader("compare_parameter_groups", setup: template + " create parameter template conf-copy$N from conf-tpl$N;",
               "compare parameter template conf-tpl$N with template conf-copy$N;"),
        Reader("copy_configuration", setup: template, "create parameter template conf-copy$N from conf-tpl$N;"),
        Reader("create_ddm_configurations", template),
        Reader("delete_configuration", setup: template, "drop parameter template conf-tpl$N;"),
        Reader("reset_parameter_group", setup: template, "alter parameter template conf-tpl$N set long_query_time = 3;"),
        Reader("list_configuration_apply_histories", setup: template, "show parameter template conf-tpl$N history;"),
        Reader("list_instances_configurations", setup: template, "show parameter template conf-tpl$N instances;"),
        Reader("show_configuration", "show parameter template high-concurrency;"),
        Reader("list_ddm_configurations", "show parameter templates;"),
        Reader("modify_configuration", "apply parameter template high-concurrency;"),
        Reader("update_instance_param", .v1, "set parameter long_query_time = 2;"),
        Reader("show_instance_param", "show parameters like '%connections%';"),
        Reader("create_ddm_database", "create schema shop shards 2 on rds rds-billing admin user root password env RDS;"),
        Reader("create_database", .v1, "create schema shop shards 2 on rds rds-billing admin user root password env RDS;"),
        Reader("create_ddm_instance", "create instance ddm-new with flavor=ddm.c6.large.2, nodes=2, vpc=vpc-1, subnet=subnet-1, security_group=sg-1, az=[ap-southeast-1a];"),
        Reader("create_instance", .v1, "create instance ddm-new with flavor=ddm.c6.large.2, nodes=2, vpc=vpc-1, subnet=subnet-1, security_group=sg-1, az=[ap-southeast-1a];"),
        Reader("create_ddm_user", user),
        Reader("create_users", .v1, user),
        Reader("create_group", "create group reporting nodes 1 read only;"),
        Reader("delete_group", setup: group, "drop group reporting;"),
        Reader("delete_backup", setup: backup, "drop backup $BACKUP;"),
        Reader("show_backup", setup: backup, "show backup $BACKUP;"),
        Reader("list_backups", "show backups;"),
        Reader("delete_ddm_database", "drop schema orders;"),
        Reader("delete_database", .v1, "drop schema orders;"),
        Reader("delete_ddm_instance", "drop instance $I;"),
        Reader("delete_instance", .v1, "drop instance $I;"),
        Reader("delete_ddm_user", setup: user, "drop user app;"),
        Reader("delete_user", .v1, setup: user, "drop user app;"),
        Reader("download_schema_metadata", "export schema metadata to '$FILE';",
               refuses: (["sparse", "nulls"], "an answer without the schemas' metadata has nothing to write")),
        Reader("upload_schema_metadata", setup: "export schema metadata to '$FILE'; alter schema orders unbind;",
               "import schema metadata from '$FILE' admin user root password env RDS;"),
        Reader("unbind_logic_db", "alter schema orders unbind;"),
        Reader("execute_kill_logical_processes", "kill process 1003;"),
        Reader("execute_kill_physical_processes", "kill physical process 3102;"),
        Reader("show_logical_processes", "show processes;"),
        Reader("show_physical_processes", "show physical processes;"),
        Reader("show_processes_audit_log", "show killed sessions;"),
        Reader("list_api_version", "show api versions;"),
        Reader("list_available_rds", "show available rds;"),
        Reader("list_available_rds_list", .v1, "show available rds;"),
        Reader("list_databases", .v1, "show schemas;"),
        Reader("show_database", .v1, "show schema orders;"),
        Reader("show_instance_database", "show schema orders;"),
        Reader("list_ddm_engines", "show engines;"),
        Reader("list_engines", .v1, "show engines;"),
        Reader("list_ddm_flavors", "show flavors;"),
        Reader("list_flavors", .v1, "show flavors;"),
        Reader("list_ddm_users", setup: user, "show users;"),
        Reader("list_users", .v1, setup: user, "show users;"),
        Reader("list_ddms", "show instances;"),
        Reader("list_instances", .v1, "show instances;"),
        Reader("list_group", "show groups;"),
        Reader("list_nodes", .v1, "show nodes;"),
        Reader("list_read_write_ratio", "show read write ratio;"),
        Reader("list_slow_log_analysis", "show slow query analysis;"),
        Reader("list_slow_log", .v1, "show slow queries limit 10;"),
        Reader("list_slow_logs", "show slow queries limit 10;"),
        Reader("list_sql_black", "show sql blacklist for orders;"),
        Reader("modify_sql_black_list", "alter schema orders set sql blacklist prefix ('DROP TABLE');"),
        Reader("list_tasks", "show tasks;"),
        Reader("modify_eip", setup: group, "alter group reporting set address '192.168.24.99';"),
        Reader("move_tmlog_files", "move transaction logs;"),
        Reader("show_tmlog_infos", "show transaction logs;"),
        Reader("rebuild_config", .v1, "reload table data on instance $I;"),
        Reader("rebuild_ddm_config", "reload table data on instance $I;"),
        Reader("reset_administrator", "alter instance $I set admin password env PW;"),
        Reader("reset_ddm_user_password", setup: user, "alter user app password env PW2;"),
        Reader("reset_user_password", .v1, setup: user, "alter user app password env PW2;"),
        Reader("resize_flavor", "alter instance $I set flavor ddm.c6.xlarge.2;"),
        Reader("restart_ddm_instance", "restart instance $I;"),
        Reader("restart_instance", .v1, "restart instance $I;"),
        Reader("restart_node", "restart node $NODE;"),
        Reader("show_ddm_node_detail", "show node $NODE;"),
        Reader("show_node", .v1, "show node $NODE;"),
        Reader("restore2_exist", "restore to instance $SPARE at 'now' map rds-orders to rds-archive;", forwards: false),
        Reader("restore_metadata", "restore metadata to instance $SPARE at 'now' data nodes rds-billing;", forwards: false),
        Reader("show_avalible_ddms", "show restore targets;"),
        Reader("show_avalible_rds", "show restore data nodes at 'now' to instance $SPARE;"),
        Reader("show_related_dns", "show restore data nodes at 'now' to instance $SPARE;",
               refuses: ([], "the related data nodes are asked about next by their ids, which the service does not have")),
        Reader("show_avalible_time", "show restore window;"),
        Reader("set_read_only_status", "alter instance $I set read only on;"),
        Reader("show_ddm_detail", "show instance $I;",
               refuses: (["nullLists", "noLists"], "v3's detail is its list of instances: without it there is no instance to show")),
        Reader("show_instance", .v1, "show instance $I;"),
        Reader("show_ddm_job_result", "show job $JOB;"),
        Reader("show_ip_group", "show access control for group default;"),
        Reader("switch_ip_group", "alter group default set access whitelist ('10.0.0.0/24');"),
        Reader("show_public_ip", "show public ips;"),
        Reader("switch_ssl", "alter instance $I set ssl on;"),
        Reader("sync_dn_information", "sync data nodes;"),
        Reader("update_database_info", .v1, "sync data nodes;"),
        Reader("update_ddm_instance_name", "rename instance $I to $I-renamed;"),
        Reader("update_instance_name", .v1, "rename instance $I to $I-renamed;"),
        Reader("update_ddm_instance_security_group", "alter instance $I set security group sg-2;"),
        Reader("update_instance_security_group", .v1, "alter instance $I set security group sg-2;"),
        Reader("update_ddm_user", setup: user, "grant INSERT on orders to app;"),
        Reader("update_user", .v1, setup: user, "grant INSERT on orders to app;"),
        Reader("update_instance_port", "alter instance $I set port 5067;"),
        Reader("validate_weak_password", "check password 'App_pass_$N!';"),
    ]

    @Test func everyOperationHasAReader() throws {
        let names = readerNames()
        #expect(Set(Self.readers.map(\.operation)) == Set(SDKOperation.all.map(\.name)),
                "without a reader: \(Set(SDKOperation.all.map(\.name)).subtracting(names).sorted())")
        #expect(names.count == Self.readers.count, "an operation twice")
    }

    func readerNames() -> Set<String> { Set(Self.readers.map(\.operation)) }

    static let bodiesURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SDKSpec/responses-3.1.219.json")
    nonisolated(unsafe) static let bodies: [String: Any]? = (try? Data(contentsOf: bodiesURL))
        .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }

    static let variants = ["full", "extra", "strings", "numbers", "sparse", "nulls", "nullLists", "noLists", "order"]

    /// One service for a reader's runs: each run on a fresh instance, its setup answered by the
    /// service, its statement with the call under test answered by the body given.
    final class Stage: @unchecked Sendable {
        let reader: Reader
        let harness: LocalHarness
        /// The body the call under test gets while the statement runs, and how often it got it.
        final class Wire: Sendable {
            let armed = Mutex<Data?>(nil)
            let served = Mutex(0)
        }
        private let wire = Wire()
        private var runs = 0

        init(_ reader: Reader) async throws {
            self.reader = reader
            let spec = try SDKConformanceTests.loadSpec()
            let state = wire
            let transport = ServingTransport { request in
                guard let op = spec.operation(method: request.method, path: request.path)?.name,
                      let body = state.armed.withLock({ $0 }) else { return nil }
                let forward = reader.forwards && request.method != "GET"
                if let fixed = reader.alsoServe[op] { return (Array(fixed.utf8), forward) }
                guard op == reader.operation else { return nil }
                state.served.withLock { $0 += 1 }
                return (Array(body), forward)
            }
            harness = try await LocalHarness.start(configure: { $0.failReshards = reader.failReshards }, apiVersion: reader.api, transport: transport)
        }

        /// Runs the reader with `body` as the answer; checks that the call was made, that nothing
        /// says it could not be read, and that the statement did not fail (unless `label` is one
        /// whose body it may refuse). Returns what it printed.
        func serve(_ body: Any, label: String, test: StatementsReadEveryAnswerTests) async throws -> String {
            runs += 1
            let n = runs
            let h = harness
            let name = "ddm-v\(n)"
            let id = try await h.makeInstance(name)
            try await h.makeSchema(id, "orders")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("answers-\(UUID().uuidString).json").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            var slots = ["$I": name, "$FILE": file, "$N": String(n)]
            if (reader.setup + reader.statement).contains("$SPARE") {
                _ = try await h.makeInstance("spare-v\(n)")
                slots["$SPARE"] = "spare-v\(n)"
            }
            let setup = await test.run(StatementsReadEveryAnswerTests.fill(reader.setup, slots), on: h, instance: id)
            #expect(setup.failures.isEmpty, "\(reader.operation) setup: \(setup.failures.map(\.message))")
            if reader.statement.contains("$NODE") { slots["$NODE"] = try await h.client.listNodes(instance: id).nodes.first?.nodeId ?? "" }
            if reader.statement.contains("$BACKUP") { slots["$BACKUP"] = try await h.client.allBackups(instance: id).first?.id ?? "" }
            if reader.statement.contains("$JOB") { slots["$JOB"] = try await h.client.restartInstance(id).jobId ?? "" }
            let before = wire.served.withLock { $0 }
            let bytes = try JSONSerialization.data(withJSONObject: body, options: [.fragmentsAllowed])
            wire.armed.withLock { $0 = bytes }
            let sink = Collector()
            let report = await test.run(StatementsReadEveryAnswerTests.fill(reader.statement, slots), on: h, instance: id, sink: sink)
            wire.armed.withLock { $0 = nil }
            let text = sink.text
            let context = "\(reader.operation) \(label): \(text)"
            #expect(wire.served.withLock { $0 } > before, "\(reader.operation) was not called by: \(reader.statement)")
            #expect(!text.contains("could not read"), "\(context)")
            if let refuses = reader.refuses, refuses.variants.isEmpty || refuses.variants.contains(label) {
                #expect(!report.failures.contains { $0.message.contains("could not read") }, "\(context)")
            } else {
                #expect(report.failures.isEmpty, "\(context)\nfailures: \(report.failures.map(\.message))")
            }
            return text
        }
    }

    @Test(arguments: readers)
    func theStatementReadsEveryBody(_ reader: Reader) async throws {
        guard let all = Self.bodies, let ops = all["operations"] as? [String: Any],
              let op = ops[reader.operation] as? [String: Any], let variants = op["variants"] as? [String: Any] else {
            Issue.record("no generated bodies for \(reader.operation)"); return
        }
        let stage = try await Stage(reader)
        defer { stopAfterTest { await stage.harness.stop() } }
        var shownInFull: [String: String] = [:]
        for variant in Self.variants {
            guard let body = variants[variant] else { continue }
            let text = try await stage.serve(body, label: variant, test: self)
            let context = "\(reader.operation) \(variant): \(text)"
            let values = Self.scalars(body, path: "")
            if variant == "full" {
                for (path, value) in values where Self.shows(text, value) { shownInFull[path] = value }
            } else if variant == "order" {
                #expect(text.contains("order-20260102-0001"), "the order is not said: \(context)")
            } else {
                for path in shownInFull.keys.sorted() {
                    guard let value = values[path] else { continue }
                    #expect(Self.shows(text, value), "\(path) = \(value) is not shown: \(context)")
                }
            }
        }
    }

    static let examplesURL = bodiesURL.deletingLastPathComponent().appendingPathComponent("otc-examples.json")
    nonisolated(unsafe) static let examples: [[String: Any]] = (try? Data(contentsOf: examplesURL))
        .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }?["examples"] as? [[String: Any]] ?? []

    /// The API reference's own example answers (`scripts/otc-examples`, each with its source
    /// page), served to the statement that reads its operation: none fails, and the names and
    /// ids a read shows of the example are its own.
    @Test(arguments: readers)
    func theReferencesExamplesAreReadByTheirStatements(_ reader: Reader) async throws {
        let mine = Self.examples.filter { $0["operation"] as? String == reader.operation }
        guard !mine.isEmpty else { return }
        let stage = try await Stage(reader)
        defer { stopAfterTest { await stage.harness.stop() } }
        for example in mine {
            let source = example["source"] as? String ?? "?"
            let text = try await stage.serve(example["body"] ?? [:], label: "example", test: self)
            if reader.statement.hasPrefix("show"), !text.isEmpty {
                let names = Self.identities(example["body"] ?? [:])
                #expect(names.isEmpty || names.contains { text.contains($0) }, "\(source): shows none of \(names.sorted()): \(text)")
            }
        }
        #expect(Self.examples.count >= 60)
    }

    /// The values of every `name` and `id` field in a body.
    static func identities(_ json: Any) -> Set<String> {
        if let o = json as? [String: Any] {
            var out: Set<String> = []
            for (k, v) in o {
                if k == "name" || k == "id", let s = v as? String, !s.isEmpty { out.insert(s) }
                out.formUnion(identities(v))
            }
            return out
        }
        if let a = json as? [Any] { return a.reduce(into: []) { $0.formUnion(identities($1)) } }
        return []
    }

    func run(_ script: String, on h: LocalHarness, instance: String, sink: Collector = Collector()) async -> Evaluator.Report {
        guard !script.isEmpty else { return Evaluator.Report() }
        var o = Compiler.Options()
        o.instanceSelected = true
        let compiled = Compiler.compile(SourceFile(name: "answers.ddm", text: script), options: o)
        #expect(compiled.diagnostics.isEmpty, "\(script): \(compiled.diagnostics.map(\.message))")
        var options = Evaluator.Options()
        options.pollInterval = .milliseconds(10)
        let secrets = DefaultSecretResolver(environment: ["PW": "Secret_pass1!", "PW2": "Other_pass2!", "RDS": LocalHarness.rdsPassword]) { _ in "Prompted_pass1!" }
        let evaluator = Evaluator(client: h.client, sink: sink, secrets: secrets, options: options, instance: instance)
        return await evaluator.run(compiled.plan)
    }

    static func fill(_ script: String, _ slots: [String: String]) -> String {
        slots.keys.sorted { $0.count > $1.count }.reduce(script) { $0.replacingOccurrences(of: $1, with: slots[$1]!) }
    }

    /// Every scalar of a JSON body but booleans (shown as words), by its path.
    static func scalars(_ body: Any, path: String) -> [String: String] {
        guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.fragmentsAllowed]),
              let json = try? JSONDecoder().decode(JSONValue.self, from: data) else { return [:] }
        return scalars(json, path: path)
    }

    static func scalars(_ json: JSONValue, path: String) -> [String: String] {
        switch json {
        case .object(let o):
            return o.reduce(into: [:]) { out, kv in out.merge(scalars(kv.value, path: path + "." + kv.key)) { a, _ in a } }
        case .array(let a):
            return a.enumerated().reduce(into: [:]) { out, item in out.merge(scalars(item.element, path: "\(path)[\(item.offset)]")) { a, _ in a } }
        case .string(let s):
            return s == "true" || s == "false" ? [:] : [path: s]
        case .number(let n):
            return [path: n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)]
        case .bool, .null:
            return [:]
        }
    }

    /// Whether `value` stands in `text` as itself (101, not the 101 inside 1101 or the 1 of ddm-v1).
    static func shows(_ text: String, _ value: String) -> Bool {
        text.range(of: "(?<![0-9A-Za-z._-])" + NSRegularExpression.escapedPattern(for: value) + "(?![0-9])", options: .regularExpression) != nil
    }
}
