import Testing
@testable import DDMLanguage

@Suite struct ASCIITests {
    @Test func foldingMatchesTheStandardLibrary() {
        for s in ["", "grant", "GRANT", "Db_7350", "ddm-prod.2", "Été", "straße", "İstanbul", "x\u{301}Y"] {
            #expect(ASCII.lowercased(s) == s.lowercased(), "\(s)")
            #expect(ASCII.uppercased(s) == s.uppercased(), "\(s)")
        }
    }

    @Test func keywordMatchIgnoresAsciiCaseOnly() {
        #expect(ASCII.matches("PassWord", "password"))
        #expect(!ASCII.matches("passwords", "password"))
        #expect(!ASCII.matches("passwor", "password"))
        #expect(!ASCII.matches("", "on"))
        #expect(ASCII.matches("", ""))
        #expect(!ASCII.matches("ＯＮ", "on"))
    }

    @Test func letterAndDigitClasses() {
        let letters = (0...255).map(UInt8.init).filter(ASCII.isLetter)
        #expect(letters == Array(UInt8(ascii: "A")...UInt8(ascii: "Z")) + Array(UInt8(ascii: "a")...UInt8(ascii: "z")))
        #expect((0...255).map(UInt8.init).filter(ASCII.isDigit) == Array(UInt8(ascii: "0")...UInt8(ascii: "9")))
    }
}
