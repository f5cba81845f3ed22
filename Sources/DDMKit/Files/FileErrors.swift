import Foundation

/// A file error in the system's words ("No space left on device"), never Foundation's
/// "The operation could not be completed. (NSCocoaErrorDomain error 512.)".
public enum FileErrors {
    public static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        guard ns.domain == NSCocoaErrorDomain else { return ns.localizedDescription }
        switch ns.code {
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return String(cString: strerror(EACCES))
        case NSFileWriteOutOfSpaceError: return String(cString: strerror(ENOSPC))
        case NSFileWriteVolumeReadOnlyError: return String(cString: strerror(EROFS))
        case NSFileWriteFileExistsError: return String(cString: strerror(EEXIST))
        case NSFileReadCorruptFileError, NSFileReadInapplicableStringEncodingError: return "not readable as UTF-8 text"
        // 512 and its kin carry no cause: say what is known rather than the domain and number.
        case NSFileWriteUnknownError: return "the file system refused the write (full, read-only or gone)"
        case NSFileReadUnknownError: return "the file system refused the read"
        default: return ns.localizedDescription
        }
    }
}
