import Foundation

/// An instance's nodes and their flavor: list, show, add, remove, restart, resize.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let nodes: [DDMOperationID] = [.listNodes, .showNode, .addNodes, .removeNodes, .deleteNodes, .restartNode, .resizeFlavor]

    public static let listNodes = DDMOperationID("listNodes", sdk: "list_nodes", v3: nil) { api, at in
        Routes(api.listNodes(instance: at.instance))
    }

    public static let showNode = DDMOperationID("showNode", sdk: "show_node", v3: "show_ddm_node_detail") { api, at in
        Routes(api.showNode(instance: at.instance, node: at.object ?? "{node_id}"),
               v3: api.showNodeV3(instance: at.instance, node: at.object ?? "{node_id}"))
    }

    public static let addNodes = DDMOperationID("addNodes", sdk: "expand_instance_nodes", v3: "expand_ddm_instance_nodes") { api, at in
        Routes(api.addNodesV2(instance: at.instance, zones: [], flavorId: "{flavor_id}"), v3: api.addNodes(instance: at.instance, zones: []))
    }

    public static let removeNodes = DDMOperationID("removeNodes", sdk: "shrink_instance_nodes", v3: nil) { api, at in
        Routes(api.removeNodes(instance: at.instance, count: 0))
    }

    /// Two v3 forms of one call: `DELETE …/nodes` with a body, and `POST …/nodes/batch-delete`.
    /// Which is the newer the sources do not say; ddmsh sends the POST (a DELETE with a body is the
    /// form RFC 9110 gives no meaning, which an intermediary may drop) and falls back to the DELETE where the POST is not served.
    public static let deleteNodes = DDMOperationID("deleteNodes", sdk: "delete_nodes", v3: "batch_delete_nodes") { api, at in
        Routes(api.deleteNodesByDelete(instance: at.instance, nodes: []), v3: api.deleteNodes(instance: at.instance, nodes: []))
    }

    public static let restartNode = DDMOperationID("restartNode", sdk: "restart_node", v3: nil) { api, at in
        Routes(api.restartNode(instance: at.instance, node: at.object ?? "{node_id}"))
    }

    public static let resizeFlavor = DDMOperationID("resizeFlavor", sdk: "resize_flavor", v3: nil) { api, at in
        Routes(api.resizeFlavor(instance: at.instance, code: ""))
    }
}

extension DDMAPI {
    public func listNodes(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<NodePage> {
        DDMOperation(name: "list nodes", method: "GET", path: v1("instances", instance, "nodes"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func showNode(instance: String, node: String) -> DDMOperation<NodeDetail> {
        DDMOperation(name: "show node", method: "GET", path: v1("instances", instance, "nodes", node), repeatability: .safe)
    }

    func showNodeV3(instance: String, node: String) -> DDMOperation<NodeDetailV3> {
        DDMOperation(name: "show node", method: "GET", path: v3("instances", instance, "nodes", node), repeatability: .safe)
    }

    private struct ExpandBody: Encodable {
        struct Node: Encodable { var available_zone: String }
        var nodes: [Node]
        var group_id: String?
    }

    /// `expand_ddm_instance_nodes`: one entry per new node, each naming its zone.
    public func addNodes(instance: String, zones: [String], group: String? = nil) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "add nodes", method: "POST", path: v3("instances", instance, "nodes"),
                     body: JSONBody.encode(ExpandBody(nodes: zones.map { .init(available_zone: $0) }, group_id: group)), repeatability: .once)
    }

    private struct EnlargeBody: Encodable { var flavor_id: String; var node_number: Int; var available_zones: [String]; var group_id: String? }

    /// `expand_instance_nodes` (v2 `EnlargeRequest`): by count, on the instance's own flavor (its id).
    func addNodesV2(instance: String, zones: [String], flavorId: String, group: String? = nil) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "add nodes", method: "POST", path: v2("instances", instance, "action", "enlarge"),
                     body: JSONBody.encode(EnlargeBody(flavor_id: flavorId, node_number: zones.count, available_zones: zones, group_id: group)),
                     repeatability: .once)
    }

    private struct ReduceBody: Encodable { var node_number: Int; var group_id: String? }

    /// `shrink_instance_nodes` (v2): by count; the service picks the nodes.
    public func removeNodes(instance: String, count: Int, group: String? = nil) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "remove nodes", method: "POST", path: v2("instances", instance, "action", "reduce"),
                     body: JSONBody.encode(ReduceBody(node_number: count, group_id: group)), repeatability: .once)
    }

    private struct NodeIdsBody: Encodable { var node_ids: [String] }

    /// `batch_delete_nodes`: the named nodes, all of one group.
    public func deleteNodes(instance: String, nodes: [String]) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "delete nodes", method: "POST", path: v3("instances", instance, "nodes", "batch-delete"),
                     body: JSONBody.encode(NodeIdsBody(node_ids: nodes)), repeatability: .once)
    }

    /// `delete_nodes`: the same as `batch_delete_nodes`, as a DELETE with the body.
    func deleteNodesByDelete(instance: String, nodes: [String]) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "delete nodes", method: "DELETE", path: v3("instances", instance, "nodes"),
                     body: JSONBody.encode(NodeIdsBody(node_ids: nodes)), repeatability: .once)
    }

    public func restartNode(instance: String, node: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "restart node", method: "POST", path: v3("instances", instance, "nodes", node, "restart"), repeatability: .once)
    }

    private struct FlavorBody: Encodable { var spec_code: String; var group_id: String? }

    /// `resize_flavor`: by spec code.
    public func resizeFlavor(instance: String, code: String, group: String? = nil) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "change flavor", method: "PUT", path: v3("instances", instance, "flavor"),
                     body: JSONBody.encode(FlavorBody(spec_code: code, group_id: group)), repeatability: .once)
    }
}

extension DDMClient {
    public func listNodes(instance: String, offset: Int? = nil, limit: Int? = nil) async throws -> NodePage {
        try await send(api.listNodes(instance: instance, offset: offset, limit: limit))
    }
    public func showNode(instance: String, node: String) async throws -> NodeDetail {
        try await versioned(.showNode, v3: { try await self.send(self.api.showNodeV3(instance: instance, node: node)).common },
                            older: { try await send(api.showNode(instance: instance, node: node)) })
    }
    /// v3 by zone; the older v2 call needs the instance's flavor id, which `flavorId` finds only then.
    public func addNodes(instance: String, zones: [String], flavorId: @Sendable () async throws -> String) async throws -> JobAnswer {
        guard (1...32).contains(zones.count) else { throw DDMError.invalid("add nodes takes 1 to 32 nodes (got \(zones.count))") }
        return try await versioned(.addNodes, v3: { try await self.send(self.api.addNodes(instance: instance, zones: zones)) },
                                   older: { try await send(api.addNodesV2(instance: instance, zones: zones, flavorId: try await flavorId())) })
    }
    public func removeNodes(instance: String, count: Int) async throws -> JobAnswer {
        guard count >= 1 else { throw DDMError.invalid("remove nodes takes at least 1 node") }
        return try await send(api.removeNodes(instance: instance, count: count))
    }
    public func deleteNodes(instance: String, nodes: [String]) async throws -> JobAnswer {
        guard !nodes.isEmpty else { throw DDMError.invalid("name at least one node to remove") }
        return try await versioned(.deleteNodes, v3: { try await self.send(self.api.deleteNodes(instance: instance, nodes: nodes)) },
                                   older: { try await send(api.deleteNodesByDelete(instance: instance, nodes: nodes)) })
    }
    public func restartNode(instance: String, node: String) async throws -> JobAnswer {
        try await send(api.restartNode(instance: instance, node: node))
    }
    public func resizeFlavor(instance: String, code: String) async throws -> JobAnswer {
        try await send(api.resizeFlavor(instance: instance, code: code))
    }
}
