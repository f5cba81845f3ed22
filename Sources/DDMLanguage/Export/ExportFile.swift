import Foundation

/// Writes an export. A regular file (or a new one) is written aside and renamed over, so a
/// reader never sees half of it; anything else (`/dev/stdout`, a pipe, `/dev/null`) is written in
/// place, since renaming over a device would replace the device with a file.
enum ExportFile {
    static func write(_ text: String, to path: String) throws {
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            defer { try? handle.close() }
            try handle.write(contentsOf: Data(text.utf8))
            return
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
