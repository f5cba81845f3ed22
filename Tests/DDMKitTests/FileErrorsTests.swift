import DDMKit
import Foundation
import Testing

/// File errors read as the system says them, not as Foundation's domain and number.
@Suite struct FileErrorsTests {
    @Test func aCocoaErrorIsSaidInWords() {
        let full = CocoaError(.fileWriteUnknown, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))])
        #expect(FileErrors.reason(full) == String(cString: strerror(ENOSPC)))
        let bare = FileErrors.reason(CocoaError(.fileWriteUnknown))
        #expect(!bare.contains("NSCocoaErrorDomain") && !bare.contains("512"), "\(bare)")
        #expect(FileErrors.reason(CocoaError(.fileWriteOutOfSpace)) == String(cString: strerror(ENOSPC)))
        #expect(FileErrors.reason(CocoaError(.fileReadNoSuchFile)) == "no such file")
    }

    @Test func aRealWriteIntoAMissingDirectoryNamesTheCause() {
        do {
            try "x".write(toFile: "/nonexistent-\(UUID().uuidString)/f", atomically: true, encoding: .utf8)
            Issue.record("wrote into a missing directory")
        } catch {
            let reason = FileErrors.reason(error)
            #expect(!reason.contains("NSCocoaErrorDomain"), "\(reason)")
        }
    }
}
