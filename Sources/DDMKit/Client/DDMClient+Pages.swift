/// Paging: the typed calls' all-pages forms (in each family's `…Operations.swift`) use this.
extension DDMClient {
    public static let pageSize = 128

    /// Pages by `offset += limit` until a short page or `offset ≥ total` (§3).
    static func collectPages<T>(limit: Int = pageSize,
                                _ page: (Int, Int) async throws -> (items: [T], total: Int?)) async throws -> [T] {
        var all: [T] = []
        var offset = 0
        while true {
            let (items, total) = try await page(offset, limit)
            all += items
            offset += limit
            if items.count < limit { break }
            if let total, offset >= total { break }
        }
        return all
    }

}
