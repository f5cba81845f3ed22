import CLibEdit
import Foundation

/// libedit behind `LineReader`: emacs bindings, `~/.editrc`, persistent
/// history (mode 0600, size-limited) and Tab completion.
public final class EditLineReader: LineReader {
    private let el: OpaquePointer
    private let hist: OpaquePointer
    private let historyFile: String?
    private let historySize: Int32
    /// Entries of this session not yet in the file.
    private var unsaved: [String] = []
    private weak var completion: CompletionSource?
    private var promptBuffer: UnsafeMutablePointer<CChar>?

    public init(program: String, historyFile: String?, historySize: Int = 1000, completion: CompletionSource?) {
        ddm_setup_locale()
        el = ddm_el_init(program)
        hist = ddm_history_init()
        self.historyFile = historyFile
        self.historySize = Int32(historySize)
        self.completion = completion
        ddm_history_setsize(hist, Int32(historySize))
        ddm_history_setunique(hist, 1)
        if let historyFile { ddm_history_load(hist, historyFile) }
        ddm_el_set_hist(el, hist)
        ddm_el_set_editor(el, "emacs")
        ddm_el_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
        ddm_el_set_prompt(el) { el in
            guard let el, let data = ddm_el_get_clientdata(el) else { return nil }
            return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue().promptBuffer
        }
        ddm_el_addfn(el, "ddm-complete", "complete the word before the cursor") { el, _ in
            guard let el, let data = ddm_el_get_clientdata(el) else { return UInt8(CC_ERROR) }
            return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue().complete()
        }
        ddm_el_bind(el, "^I", "ddm-complete")
        // The user's ~/.editrc comes last, so it can override our bindings.
        ddm_el_source_editrc(el)
    }

    deinit {
        el_end(el)
        history_end(hist)
        free(promptBuffer)
    }

    public func readLine(prompt: String) -> LineInput {
        free(promptBuffer)
        promptBuffer = strdup(prompt)
        var count: Int32 = 0
        let (got, interrupted) = Interruption.whileReading { el_gets(el, &count) }
        guard let raw = got else {
            if count == -1 || interrupted {
                // An interrupted el_gets keeps its half-typed line; reset so the next prompt starts empty.
                el_reset(el)
                FileHandle.standardOutput.write(Data("\n".utf8))
                return .interrupted
            }
            return .endOfInput
        }
        var line = String(cString: raw)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    public func addHistory(_ entry: String) {
        ddm_history_enter(hist, entry)
        unsaved.append(entry)
        // Written at once, so a killed session keeps its history too.
        saveHistory()
    }

    public var history: [String] {
        var out = [UnsafePointer<CChar>?](repeating: nil, count: 5000)
        let n = ddm_history_list(hist, &out, Int32(out.count))
        return (0..<Int(n)).compactMap { out[$0].map { String(cString: $0) } }
    }

    /// Adds this session's new entries to the file as it is now, under an exclusive lock: REPLs
    /// open at the same time each keep their lines, instead of the last one to write its whole
    /// list replacing everyone else's.
    public func saveHistory() {
        guard let historyFile, !unsaved.isEmpty else { return }
        let dir = (historyFile as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let lock = open(historyFile + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if lock >= 0 { while flock(lock, LOCK_EX) != 0, errno == EINTR {} }
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        // Create it private before libedit writes to it.
        if !FileManager.default.fileExists(atPath: historyFile) {
            FileManager.default.createFile(atPath: historyFile, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let merged = ddm_history_init() else { return }
        defer { history_end(merged) }
        ddm_history_setsize(merged, historySize)
        ddm_history_setunique(merged, 1)
        ddm_history_load(merged, historyFile)
        for entry in unsaved { ddm_history_enter(merged, entry) }
        // Written aside and renamed: a reader (another REPL starting) never sees half a file.
        let temporary = historyFile + ".\(getpid()).tmp"
        FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600])
        guard ddm_history_save(merged, temporary) >= 0, rename(temporary, historyFile) == 0 else { unlink(temporary); return }
        chmod(historyFile, 0o600)
        unsaved.removeAll()
    }

    private func complete() -> UInt8 {
        guard let info = el_line(el)?.pointee, let completion else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let bytes = UnsafeRawBufferPointer(start: info.buffer, count: length)
        let prefix = String(decoding: bytes, as: UTF8.self)
        let word = String(prefix.reversed().prefix { !$0.isWhitespace && !",;()[]=".contains($0) }.reversed())
        let candidates = completion.complete(prefix: prefix)
        guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
        let common = candidates.dropFirst().reduce(candidates[0]) { acc, c in
            String(zip(acc, c).prefix { $0.0.lowercased() == $0.1.lowercased() }.map(\.0))
        }
        if candidates.count == 1 {
            el_insertstr(el, String(candidates[0].dropFirst(word.count)) + " ")
            return UInt8(CC_REFRESH)
        }
        if common.count > word.count {
            el_insertstr(el, String(common.dropFirst(word.count)))
            return UInt8(CC_REFRESH)
        }
        FileHandle.standardOutput.write(Data(("\n" + candidates.joined(separator: "  ") + "\n").utf8))
        return UInt8(CC_REDISPLAY)
    }
}
