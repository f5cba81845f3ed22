import Foundation

/// What can be created: engines, flavors; the API versions an endpoint serves.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let catalog: [DDMOperationID] = [.listEngines, .listFlavors]

    public static let listEngines = DDMOperationID("listEngines", sdk: "list_engines", v3: "list_ddm_engines") { api, at in
        Routes(api.listEngines(),
               v3: api.listEnginesV3())
    }

    public static let listFlavors = DDMOperationID("listFlavors", sdk: "list_flavors", v3: "list_ddm_flavors") { api, at in
        Routes(api.listFlavors(engineId: "{engine_id}"),
               v3: api.listFlavorsV3(engineId: "{engine_id}"))
    }
}

extension DDMAPI {
    public func listEngines(offset: Int? = nil, limit: Int? = nil) -> DDMOperation<EnginePage> {
        DDMOperation(name: "list engines", method: "GET", path: v2("engines"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func listFlavors(engineId: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<FlavorPage> {
        DDMOperation(name: "list flavors", method: "GET", path: v2("flavors"),
                  query: [("engine_id", engineId)] + pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    func apiVersions() -> DDMOperation<APIVersionList> {
        DDMOperation(name: "list api versions", method: "GET", path: "/", repeatability: .safe)
    }

    func listEnginesV3(offset: Int? = nil, limit: Int? = nil) -> DDMOperation<EnginePageV3> {
        DDMOperation(name: "list engines", method: "GET", path: v3("engines"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    func listFlavorsV3(engineId: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<FlavorPageV3> {
        DDMOperation(name: "list flavors", method: "GET", path: v3("flavors"),
                     query: [("engine_id", engineId)] + pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }
}

extension DDMClient {
    public func listEngines(offset: Int? = nil, limit: Int? = nil) async throws -> EnginePage {
        try await versioned(.listEngines, v3: { try await self.send(self.api.listEnginesV3(offset: offset, limit: limit)).common },
                            older: { try await send(api.listEngines(offset: offset, limit: limit)) })
    }
    public func listFlavors(engineId: String, offset: Int? = nil, limit: Int? = nil) async throws -> FlavorPage {
        try await versioned(.listFlavors, v3: {
            try await self.send(self.api.listFlavorsV3(engineId: engineId, offset: offset, limit: limit)).common
        }, older: { try await send(api.listFlavors(engineId: engineId, offset: offset, limit: limit)) })
    }
    public func apiVersions() async throws -> [APIVersion] { try await send(api.apiVersions()).versions }
}
