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
    static let maxAccountsDefault = 100
}
