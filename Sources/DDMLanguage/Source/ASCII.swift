/// Byte-level case folding and character classes. Keywords and names in the
/// language are ASCII, and the Unicode-aware `String` operations cost more than
/// the rest of `--check` together (measured with perf on a 1M-statement script).
enum ASCII {
    // One unsigned comparison each: the lexer asks these for every byte of a script.
    @_optimize(speed)
    static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- UInt8(ascii: "a") < 26 }
    @_optimize(speed)
    static func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
    /// A letter, digit or `_`: what a bare word and a DDM name are made of.
    @_optimize(speed)
    static func isWordByte(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) || b == UInt8(ascii: "_") }
    @_optimize(speed)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
    @_optimize(speed)
    static func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b & ~0x20 : b }

    /// True when `word` equals `lowerCaseKeyword` ignoring ASCII case.
    @_optimize(speed)
    static func matches(_ word: String, _ lowerCaseKeyword: String) -> Bool {
        // Lengths first: `==` on two different strings takes the standard library's slow path,
        // and most words a parser tries are not the keyword (`match("on")` on a schema name).
        let w = word.utf8, k = lowerCaseKeyword.utf8
        guard w.count == k.count else { return false }
        // Over the bytes in place: the generic view loop was a tenth of `--check`.
        return w.withContiguousStorageIfAvailable { a in
            k.withContiguousStorageIfAvailable { b in
                for i in 0..<a.count where lower(a[i]) != b[i] { return false }
                return true
            } ?? false
        } ?? (word.lowercased() == lowerCaseKeyword)
    }

    /// `s` in upper case, packed into an integer a byte each; nil when longer than 8 bytes. Two
    /// ASCII words of up to 8 bytes are equal ignoring case exactly when these are equal.
    @_optimize(speed)
    static func packedUpper(_ s: String) -> UInt64? {
        var key: UInt64 = 0, count = 0
        for b in s.utf8 {
            count += 1
            if count > 8 { return nil }
            key = key << 8 | UInt64(upper(b))
        }
        return key
    }

    /// `a == b`, byte for byte, without the standard library's slow path for unequal strings.
    @_optimize(speed)
    static func same(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        return x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in p.elementsEqual(q) } ?? (a == b)
        } ?? (a == b)
    }

    /// `s.lowercased()`, without the Unicode tables when `s` is ASCII.
    @_optimize(speed)
    static func lowercased(_ s: String) -> String { folded(s, lower, { $0.lowercased() }) }

    /// `s.uppercased()`, without the Unicode tables when `s` is ASCII.
    @_optimize(speed)
    static func uppercased(_ s: String) -> String { folded(s, upper, { $0.uppercased() }) }

    @_optimize(speed)
    private static func folded(_ s: String, _ fold: (UInt8) -> UInt8, _ unicode: (String) -> String) -> String {
        var changes = false
        for b in s.utf8 {
            if b >= 0x80 { return unicode(s) }
            if fold(b) != b { changes = true }
        }
        guard changes else { return s }
        let u = s.utf8
        return String(unsafeUninitializedCapacity: u.count) { buffer in
            for (i, b) in u.enumerated() { buffer[i] = fold(b) }
            return u.count
        }
    }
}
