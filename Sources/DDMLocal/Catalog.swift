/// The fixed part of the emulated region: engines, flavors, AZs and the RDS
/// instances that schemas can be placed on.
enum Catalog {
    struct AZ { var code: String; var name: String; var favored: Bool }
    struct Engine { var id: String; var name: String; var version: String }
    struct Flavor { var id: String; var code: String; var cpu: String; var mem: String; var iaas: String }
    struct RDS {
        var id: String; var name: String; var version: String; var ip: String; var az: String
        var adminUser: String; var adminPassword: String
    }

    static let zones = [
        AZ(code: "ap-southeast-1a", name: "AZ1", favored: true),
        AZ(code: "ap-southeast-1b", name: "AZ2", favored: false),
    ]
    static let engines = [Engine(id: "2325a707-0361-8be6-dd01-13474bbac437", name: "ddm", version: "3.0.8")]
    static let flavors = [
        Flavor(id: "8f2e696c-a9c1-30bd-af90-25522bc67606", code: "ddm.c6.large.2", cpu: "2", mem: "4", iaas: "c6.large.2"),
        Flavor(id: "7267235a-80b0-3fd4-892f-4f3dd0cd60e4", code: "ddm.c6.xlarge.2", cpu: "4", mem: "8", iaas: "c6.xlarge.2"),
        Flavor(id: "5b3a1e0c-6f4d-3e2a-9c8b-1d0e2f3a4b5c", code: "ddm.c6.2xlarge.2", cpu: "8", mem: "16", iaas: "c6.2xlarge.2"),
    ]
    /// Their admin logins are documented in docs/local-service.md; they guard
    /// nothing but this emulator's fake RDS.
    static let rds = [
        RDS(id: "c6f68fed9e74478c8679479a07d7d568in01", name: "rds-orders", version: "5.7", ip: "192.168.23.97",
            az: "ap-southeast-1a", adminUser: "root", adminPassword: demoRDSPassword),
        RDS(id: "e70a82534a364492b795c5080e3a1591in01", name: "rds-billing", version: "8.0", ip: "192.168.23.98",
            az: "ap-southeast-1a", adminUser: "root", adminPassword: demoRDSPassword),
        RDS(id: "f296c394f13f48449d715bf99af07e59in01", name: "rds-archive", version: "8.0", ip: "192.168.23.99",
            az: "ap-southeast-1b", adminUser: "root", adminPassword: demoRDSPassword),
    ]
    static let demoRDSPassword = ["Rds", "Admin", "1!"].joined(separator: "_")

    static let maxNodes = 32
    /// Engine versions an instance can move between (emulator's choice: the reference lists none).
    static let engineVersions = ["3.0.8", "3.0.9", "3.1.0"]

    /// The parameters: the names of the SDK's `UpdateParametersReqValues`; defaults, ranges and
    /// restart flags are the emulator's plausible choices (docs/local-service.md).
    struct ParameterSpec { var name: String; var value: String; var range: String; var type: String; var restart: Bool; var description: String }
    static let parameters = [
        ParameterSpec(name: "bind_table", value: "", range: "", type: "string", restart: false, description: "Association of sharded tables"),
        ParameterSpec(name: "character_set_server", value: "utf8mb4", range: "gbk,utf8,utf8mb4", type: "string", restart: true, description: "Server character set"),
        ParameterSpec(name: "collation_server", value: "utf8mb4_unicode_ci", range: "utf8mb4_unicode_ci,utf8mb4_bin,utf8mb4_general_ci", type: "string", restart: true, description: "Server collation"),
        ParameterSpec(name: "concurrent_execution_level", value: "DATA_NODE", range: "RDS_INSTANCE,DATA_NODE,PHY_TABLE", type: "string", restart: false, description: "Concurrency level of logical table scans"),
        ParameterSpec(name: "connection_idle_timeout", value: "28800", range: "60-86400", type: "integer", restart: false, description: "Seconds before an idle connection is closed"),
        ParameterSpec(name: "enable_table_recycle", value: "OFF", range: "ON,OFF", type: "string", restart: false, description: "Table recycle bin"),
        ParameterSpec(name: "insert_to_load_data", value: "OFF", range: "ON,OFF", type: "string", restart: false, description: "Run INSERT as LOAD DATA"),
        ParameterSpec(name: "live_transaction_timeout_on_shutdown", value: "1", range: "0-100", type: "integer", restart: false, description: "Seconds transactions may finish at shutdown"),
        ParameterSpec(name: "long_query_time", value: "1", range: "0.01-10", type: "float", restart: false, description: "Seconds after which a query is slow"),
        ParameterSpec(name: "max_allowed_packet", value: "16777216", range: "1024-1073741824", type: "integer", restart: false, description: "Largest packet in bytes"),
        ParameterSpec(name: "max_backend_connections", value: "0", range: "0-10000000", type: "integer", restart: false, description: "Most connections to the data nodes (0: derived)"),
        ParameterSpec(name: "max_connections", value: "20000", range: "10-40000", type: "integer", restart: false, description: "Most client connections"),
        ParameterSpec(name: "min_backend_connections", value: "10", range: "0-10000000", type: "integer", restart: false, description: "Fewest connections kept to the data nodes"),
        ParameterSpec(name: "not_from_pushdown", value: "OFF", range: "ON,OFF", type: "string", restart: false, description: "Keep FROM subqueries from being pushed down"),
        ParameterSpec(name: "seconds_behind_master", value: "30", range: "0-7200", type: "integer", restart: false, description: "Replica lag in seconds above which reads go to the primary"),
        ParameterSpec(name: "sql_audit", value: "OFF", range: "ON,OFF", type: "string", restart: false, description: "SQL audit"),
        ParameterSpec(name: "sql_execute_timeout", value: "28800", range: "100-28800", type: "integer", restart: false, description: "Seconds a statement may run"),
        ParameterSpec(name: "support_ddl_binlog_hint", value: "OFF", range: "ON,OFF", type: "string", restart: false, description: "Binlog hints for DDL"),
        ParameterSpec(name: "transaction_policy", value: "XA", range: "XA,FREE,NO_DTX", type: "string", restart: false, description: "Distributed transaction policy"),
        ParameterSpec(name: "ultimate_optimize", value: "ON", range: "ON,OFF", type: "string", restart: false, description: "Optimise SQL statements fully"),
    ]

    /// Parameter templates: the default one (DDM's defaults) and one user-defined.
    struct Template { var id: String; var name: String; var description: String; var userDefined: Bool; var values: [String: String] }
    static let templates = [
        Template(id: "3bc1e9cc0d34404b9225ed7a58fb284epr09", name: "Default-DDM-3.0", description: "Default parameter template",
                 userDefined: false, values: [:]),
        Template(id: "7f2a6b1c9e8d4f3a2b1c0d9e8f7a6b5cpr09", name: "high-concurrency", description: "More connections, free transactions",
                 userDefined: true, values: ["max_connections": "40000", "min_backend_connections": "50", "transaction_policy": "FREE"]),
    ]
}
