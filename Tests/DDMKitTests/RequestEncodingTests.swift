import Foundation
import Testing
@testable import DDMKit

/// Paths, queries and bodies of every operation, as ddm-api.md gives them.
@Suite struct RequestEncodingTests {
    let api = DDMAPI(projectId: "0123456789abcdef0123456789abcdef")
    let p = "/v1/0123456789abcdef0123456789abcdef"
    let inst = "1f5c9fd6cd984056ba89c8c87cc03278in09"

    func line<R>(_ op: DDMOperation<R>) -> String {
        let q = op.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return "\(op.method) \(op.path)\(q.isEmpty ? "" : "?" + q)\(op.bodyText.map { " " + $0 } ?? "")"
    }

    @Test func instances() {
        let create = api.createInstance(CreateInstanceRequest(
            name: "ddm-prod-01", flavorId: "f", nodeNum: 2, engineId: "e", availableZones: ["ap-southeast-1a"],
            vpcId: "v", securityGroupId: "g", subnetId: "s", timeZone: "UTC+08:00", adminUserName: "root", adminUserPassword: "Adm1n_pass!"))
        #expect(line(create) == #"POST \#(p)/instances {"instance":{"admin_user_name":"root","admin_user_password":"Adm1n_pass!","available_zones":["ap-southeast-1a"],"engine_id":"e","flavor_id":"f","name":"ddm-prod-01","node_num":2,"security_group_id":"g","subnet_id":"s","time_zone":"UTC+08:00","vpc_id":"v"}}"#)
        #expect(line(api.listInstances(offset: 0, limit: 10)) == "GET \(p)/instances?offset=0&limit=10")
        #expect(line(api.listInstances()) == "GET \(p)/instances")
        #expect(line(api.showInstance(inst)) == "GET \(p)/instances/\(inst)")
        #expect(line(api.restartInstance(inst, type: .hard)) == #"POST \#(p)/instances/\#(inst)/action {"restart":{"type":"hard"}}"#)
        #expect(line(api.deleteInstance(inst)) == "DELETE \(p)/instances/\(inst)?delete_rds_data=false")
        #expect(line(api.deleteInstance(inst, deleteRDSData: true)) == "DELETE \(p)/instances/\(inst)?delete_rds_data=true")
        #expect(line(api.modifyInstanceName(inst, name: "DDM-test-04")) == #"PUT \#(p)/instances/\#(inst)/modify-name {"name":"DDM-test-04"}"#)
        #expect(line(api.modifySecurityGroup(inst, securityGroupId: "sg")) == #"PUT \#(p)/instances/\#(inst)/modify-security-group {"security_group_id":"sg"}"#)
        #expect(line(api.reloadTableData(inst)) == "POST \(p)/instances/\(inst)/reload-config {}")
    }

    @Test func schemas() {
        let create = api.createSchemas(instance: inst, [CreateSchemaRequest(
            name: "orders", shardMode: .cluster, shardNumber: 8, shardUnit: 8,
            usedRds: [RDSCredential(id: "r1in01", adminUser: "root", adminPassword: "PassWord_234")])])
        #expect(line(create) == #"POST \#(p)/instances/\#(inst)/databases {"databases":[{"name":"orders","shard_mode":"cluster","shard_number":8,"shard_unit":8,"used_rds":[{"adminPassword":"PassWord_234","adminUser":"root","id":"r1in01"}]}]}"#)
        #expect(line(api.listSchemas(instance: inst, offset: 0, limit: 128)) == "GET \(p)/instances/\(inst)/databases?offset=0&limit=128")
        #expect(line(api.showSchemaEnvelope(instance: inst, name: "orders")) == "GET \(p)/instances/\(inst)/databases/orders")
        #expect(line(api.deleteSchema(instance: inst, name: "orders", deleteRDSData: true)) == "DELETE \(p)/instances/\(inst)/databases/orders?delete_rds_data=true")
    }

    @Test func accounts() throws {
        let create = api.createAccounts(instance: inst, [CreateAccountRequest(
            name: "ddmtest", password: "Passw0rd!x", baseAuthority: [.select, .insert], description: "app account", databases: ["orders"])])
        #expect(line(create) == #"POST \#(p)/instances/\#(inst)/users {"users":[{"base_authority":["SELECT","INSERT"],"databases":[{"name":"orders"}],"description":"app account","name":"ddmtest","password":"Passw0rd!x"}]}"#)
        #expect(line(api.listAccounts(instance: inst, offset: 0, limit: 128)) == "GET \(p)/instances/\(inst)/users?offset=0&limit=128")
        let modify = try api.modifyAccount(instance: inst, name: "ddmtest", ModifyAccountRequest(
            baseAuthority: [.select, .insert, .update], databases: ["orders", "billing"]))
        #expect(line(modify) == #"PUT \#(p)/instances/\#(inst)/users/ddmtest {"user":{"base_authority":["SELECT","INSERT","UPDATE"],"databases":[{"name":"orders"},{"name":"billing"}]}}"#)
        #expect(line(api.deleteAccount(instance: inst, name: "ddmtest")) == "DELETE \(p)/instances/\(inst)/users/ddmtest")
        #expect(line(api.resetPassword(instance: inst, account: "ddmtest", password: "N3w_Passw0rd")) ==
            #"POST /v2/0123456789abcdef0123456789abcdef/instances/\#(inst)/users/ddmtest/password {"password":"N3w_Passw0rd"}"#)
    }

    @Test func helpers() {
        #expect(line(api.listEngines(offset: 0, limit: 10)) == "GET /v2/0123456789abcdef0123456789abcdef/engines?offset=0&limit=10")
        #expect(line(api.listFlavors(engineId: "b69")) == "GET /v2/0123456789abcdef0123456789abcdef/flavors?engine_id=b69")
        #expect(line(api.listAvailableRDS(instance: inst, offset: 0, limit: 10)) == "GET \(p)/instances/\(inst)/rds?offset=0&limit=10")
        #expect(line(api.listNodes(instance: inst)) == "GET \(p)/instances/\(inst)/nodes")
        #expect(line(api.showNode(instance: inst, node: "n1no09")) == "GET \(p)/instances/\(inst)/nodes/n1no09")
        #expect(line(api.showJobEnvelope("31b8ae23-c687")) == "GET /v3/0123456789abcdef0123456789abcdef/jobs/31b8ae23-c687")
        #expect(line(api.apiVersions()) == "GET /")
    }

    @Test func pathSegmentsArePercentEncoded() {
        #expect(api.deleteAccount(instance: inst, name: "a b/c").path.hasSuffix("/users/a%20b%2Fc"))
    }

    @Test func responsesDecodeFromTheReferenceExamples() throws {
        let restart = try JSONDecoder.ddm.decode(RestartResult.self, from: Data(#"{"instanceId":"28e8in09","instanceName":"ddm-fb88-test","jobId":"1eb697c0"}"#.utf8))
        #expect(restart.jobId == "1eb697c0")
        let schema = try JSONDecoder.ddm.decode(SchemaDetailEnvelope.self, from: Data(#"{"database":{"name":"orders","created":1604631243234,"status":"RUNNING","shard_mode":"cluster","shard_number":2,"shard_unit":2,"dataVips":["192.168.185.97:5066"],"databases":[{"dbslot":0,"name":"orders_0000","status":"RUNNING","created":1,"updated":1,"id":"e70in01","idName":"rds-5338"}],"used_rds":[{"id":"e70in01","name":"rds-5338","status":"normal"}]}}"#.utf8))
        #expect(schema.database?.dataVips == ["192.168.185.97:5066"])
        #expect(schema.database?.databases?.first?.idName == "rds-5338")
        let users = try JSONDecoder.ddm.decode(AccountPage.self, from: Data(#"{"users":[{"name":"ddmtest","status":"RUNNING","base_authority":["SELECT"],"password_last_changed":1686904661709,"description":"app account","created":1686904661709,"databases":[{"name":"orders","description":"orders schema"}]}],"page_no":1,"page_size":10,"total_record":1,"total_page":1}"#.utf8))
        #expect(users.users[0].schemaNames == ["orders"])
        let flavors = try JSONDecoder.ddm.decode(FlavorPage.self, from: Data(#"{"computeFlavorGroups":[{"groupType":"X86","offset":0,"limit":128,"total":1,"computeFlavors":[{"id":"7267","typeCode":"hws.resource.type.ddm","code":"ddm.2xlarge.2","iaasCode":"s2","cpu":"8","mem":"16","maxConnections":null,"serverType":"KVM","architecture":"X86","azStatus":{"ap-southeast-1a":"normal"},"regionStatus":"abandon","groupType":null,"dbType":"DDM","extendFields":{"azCode":"ap-southeast-1a"}}]}]}"#.utf8))
        #expect(flavors.computeFlavorGroups[0].computeFlavors[0].azStatus?["ap-southeast-1a"] == "normal")
    }
}
