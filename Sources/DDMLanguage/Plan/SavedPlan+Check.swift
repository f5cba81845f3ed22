import DDMKit

extension SavedPlan {
    /// Each read of the plan made again: what differs from the answer the plan was computed from,
    /// one line each (at most `limit`); empty when the plan still holds. Reads only.
    public func changes(on client: DDMClient, limit: Int = 10) async throws -> [String] {
        var out: [String] = []
        for read in reads where out.count < limit {
            let what = "\(read.method) \(read.path)"
            let operation = DDMOperation<JSONValue>(name: "read again for the plan", method: read.method, path: read.path,
                                                    query: read.query.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }, repeatability: .safe)
            let status: Int
            var body: JSONValue?
            do {
                body = try await client.send(operation)
                status = 200
            } catch let e as DDMError where e.status != nil {
                status = e.status!
            }
            let before = read.status < 300 ? 200 : read.status
            if before != status {
                out.append("\(what): answered \(read.status), now \(status)")
            } else if let old = read.body, let body, old != body {
                out += old.differences(to: body, limit: limit - out.count).map { "\(what): \($0)" }
            }
        }
        return out
    }
}
