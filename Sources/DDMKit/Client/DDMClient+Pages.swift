/// Paging: the typed calls' all-pages forms (in each family's `…Operations.swift`) use this.
extension DDMClient {
    public static let pageSize = 128

    /// The most rows one all-pages read collects: ten times the largest listing measured
    /// (`scripts/bench`, 10,000 accounts). A service that claims more, or never ends its pages,
    /// is read up to here and the rest left with a warning (docs/client.md, "Paging").
    public static let defaultMaxListedRows = 100_000

    /// How a call's pages are addressed.
    enum PageNumbering {
        /// `offset` is a row: the next page starts after the rows served (a service may serve
        /// fewer than asked, and a skipped row would be lost).
        case rows
        /// `offset / limit + 1` is a page number (`curPage`): the next page is the next number.
        case pages
    }

    /// Every page of a listing. A page shorter than asked ends it only when the answer has no
    /// `total`; with one, pages are read until `total` rows are in. An empty page, a page equal
    /// to the one before (a service that ignores the offset) and `maxListedRows` end it too, with
    /// a warning when the service said it had more.
    func collectPages<T>(limit: Int = pageSize, numbering: PageNumbering = .rows, what: String = "rows",
                         _ page: (Int, Int) async throws -> (items: [T], total: Int?)) async throws -> [T] {
        let cap = configuration.maxListedRows
        var all: [T] = []
        var offset = 0
        var previous: String?
        var claimed: Int?
        while true {
            let (items, total) = try await page(offset, limit)
            if let total { claimed = total }
            if items.isEmpty {
                if let claimed, all.count < claimed {
                    warn("the service said it has \(claimed) \(what) but served \(all.count); the listing ends there")
                }
                break
            }
            // The same rows again: the offset is not honoured, and every further page would repeat.
            let fingerprint = String(describing: items)
            if fingerprint == previous {
                warn("the service served the same page of \(what) at offset \(offset) as before; the listing ends at \(all.count)")
                break
            }
            previous = fingerprint
            if all.count + items.count > cap {
                all += items.prefix(cap - all.count)
                warn("the listing stops at \(cap) \(what)\(claimed.map { " (the service said \($0))" } ?? "")")
                break
            }
            all += items
            switch numbering {
            case .rows: offset += items.count
            case .pages: offset += limit
            }
            if let claimed {
                if all.count >= claimed { break }
            } else if items.count < limit {
                break
            }
        }
        return all
    }

    /// Said to the user (`DDMConfiguration.warn`), or logged when no one listens.
    func warn(_ message: String) {
        if let sink = configuration.warn { sink(message) } else { logger.warning("\(message)") }
    }
}
