@testable import DDMKit
import Foundation
import Synchronization
import Testing

/// Records on a disk that fills: a record is whole or absent, never glued to the next one, and a
/// log that has no room refuses before the call it would record.
@Suite struct LineAppendTests {
    static func temporaryFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("append-\(UUID().uuidString)").path
    }

    /// Writes `allowed` bytes in all, then fails with ENOSPC: a disk that fills mid-record.
    static func fillingDisk(after allowed: Int) -> LineAppend.IO {
        let left = Mutex(allowed)
        return LineAppend.IO(write: { fd, bytes in
            let n = left.withLock { l in let n = min(l, bytes.count); l -= n; return n }
            if n == 0 { errno = ENOSPC; return -1 }
            return write(fd, bytes.baseAddress, n)
        }, reserve: { _, _ in left.withLock { $0 } > 0 ? 0 : ENOSPC })
    }

    static func lines(_ path: String) -> [String] {
        (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) ?? []
    }

    @Test func aSharedFileCutMidRecordStillStartsTheNextRecordOnALineOfItsOwn() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT, 0o600)
        defer { close(fd) }
        try LineAppend.append(Array("{\"a\":1}\n".utf8), to: fd, ownFile: false)
        #expect(throws: LineAppend.Failure.self) {
            try LineAppend.append(Array("{\"b\":2}\n".utf8), to: fd, ownFile: false, io: Self.fillingDisk(after: 3))
        }
        // Another process's fragment without its newline: the next record closes it first.
        _ = "{\"frag".withCString { write(fd, $0, 6) }
        try LineAppend.append(Array("{\"c\":3}\n".utf8), to: fd, ownFile: false)
        let lines = Self.lines(path)
        #expect(lines.first == "{\"a\":1}")
        #expect(lines.contains("{\"c\":3}"))
        #expect(lines.last == "")
        #expect(!lines.contains { $0.contains("}{") || $0.hasSuffix("{\"c\":3}") && $0 != "{\"c\":3}" })
    }

    @Test func anOwnFileCutMidRecordIsTakenBackToItsLastWholeLine() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT, 0o600)
        defer { close(fd) }
        try LineAppend.append(Array("one\n".utf8), to: fd, ownFile: true)
        let failure = #expect(throws: LineAppend.Failure.self) {
            try LineAppend.append(Array("two two two\n".utf8), to: fd, ownFile: true, io: Self.fillingDisk(after: 4))
        }
        #expect(failure?.reason == String(cString: strerror(ENOSPC)))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\n")
    }

    @Test func shortWritesAreFinishedNotLost() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT, 0o600)
        defer { close(fd) }
        // Two bytes at a time, as a pipe or a signal can leave a write(2).
        let trickle = LineAppend.IO(write: { fd, bytes in write(fd, bytes.baseAddress, min(2, bytes.count)) }, reserve: { _, _ in 0 })
        try LineAppend.append(Array("{\"whole\":true}\n".utf8), to: fd, ownFile: false, io: trickle)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"whole\":true}\n")
    }

    @Test func anAuditLogWithNoRoomRefusesBeforeTheCallNamingThePathAndTheReason() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let audit = AuditFile(path: path, io: Self.fillingDisk(after: 0))
        let error = #expect(throws: DDMError.self) { try audit.ensureWritable() }
        #expect(error?.isRecordNotKept == true)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains(String(cString: strerror(ENOSPC))) == true)
        #expect(error?.message.contains("nothing was sent") == true)
    }

    @Test func aRecordLostAfterItsCallIsSaidOnceNotAtEveryWrite() throws {
        let path = Self.temporaryFile()
        defer { unlink(path) }
        let said = Mutex<[String]>([])
        let io = LineAppend.IO(write: { _, _ in errno = EIO; return -1 }, reserve: { _, _ in 0 })
        let audit = AuditFile(path: path, io: io) { message in said.withLock { $0.append(message) } }
        for n in 0..<5 {
            audit.record(AuditRecord(time: "t", endpointHost: "h", project: "p", operation: "modify account", target: "PUT /x/\(n)",
                                     outcome: "ok", durationMs: 1, attempts: 1))
        }
        let messages = said.withLock { $0 }
        #expect(messages.count == 1)
        #expect(messages.first?.contains(path) == true)
    }
}
