import StoregateTesting
import StoregateCore
import StoregateTrust
import Testing

/// Sign → print → scan → verify, and every way a signature must fail.
@Suite struct SignedCodeTests {
    let key = CodeSigningKey.generate(keyID: "HQ1")
    let parser = CodeParser(schemes: [GoldenCodeTests.brandScheme])

    func trusted() throws -> TrustedKeys {
        try TrustedKeys(publicKeys: ["HQ1": self.key.publicKeyText])
    }

    @Test(arguments: SignedCodeIssuer.Format.allCases)
    func issuedCodesVerifyInEveryFormat(_ format: SignedCodeIssuer.Format) throws {
        let issuer = SignedCodeIssuer(key: self.key)
        let keys = try self.trusted()
        var units = RandomUnits(generator: SeededGenerator(seed: 0x5EED_0010))
        for _ in 0..<60 {
            let gtin = units.gtin()
            let serial = units.text(maxLength: 20)
            let scan = issuer.code(gtin: gtin, serial: serial, lot: units.text(maxLength: 20), expiry: units.expiry(), format: format)
            let code = self.parser.parse(scan)
            #expect(code.valid, "\(scan): \(code.errors)")
            #expect(code.id == CanonicalID.unit(gtin: gtin, serial: serial))
            #expect(keys.check(code) == .valid(keyID: "HQ1"))
            // The 86-character signature fits AI 92 (X..90).
            #expect(code.signature?.signature.utf8.count == 86)
        }
    }

    @Test func tamperedSerialFailsVerification() throws {
        let elements = SignedCodeIssuer(key: self.key).elements(gtin: "09506000134352", serial: "ABC")
        let tampered = elements.map { $0.ai == "21" ? ElementString(ai: "21", value: "ABD") : $0 }
        let code = self.parser.parse(GS1CodeWriter.elementString(tampered))
        #expect(code.valid)
        guard case .invalid = try self.trusted().check(code) else {
            Issue.record("a code whose serial changed after signing must not verify")
            return
        }
    }

    @Test func tamperedSignatureFailsVerification() throws {
        var code = self.parser.parse(SignedCodeIssuer(key: self.key).code(gtin: "09506000134352", serial: "ABC", format: .gs1))
        let original = try #require(code.signature)
        var bytes = Array(original.signature.utf8)
        bytes[10] = bytes[10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        code.signature = CodeSignature(keyID: "HQ1", signature: String(decoding: bytes, as: UTF8.self))
        guard case .invalid = try self.trusted().check(code) else {
            Issue.record("a changed signature must not verify")
            return
        }
        code.signature = CodeSignature(keyID: "HQ1", signature: "not*base64")
        guard case .invalid = try self.trusted().check(code) else {
            Issue.record("a signature that is not base64url must not verify")
            return
        }
    }

    @Test func unknownKeyIDFailsVerification() throws {
        let other = CodeSigningKey.generate(keyID: "HQ9")
        let code = self.parser.parse(SignedCodeIssuer(key: other).code(gtin: "09506000134352", serial: "ABC", format: .digitalLink))
        #expect(code.valid)
        guard case .invalid(let reason) = try self.trusted().check(code) else {
            Issue.record("a key this store does not trust must not verify")
            return
        }
        #expect(reason.contains("HQ9"))
    }

    @Test func codeWithoutSignatureIsAbsentNotInvalid() throws {
        #expect(try self.trusted().check(self.parser.parse("010950600013435221ABC")) == .absent)
    }

    @Test func brandCodesCarryTheSameTail() throws {
        let id = CanonicalID.brand(scheme: "qb", token: "7GQ2XK9P4M")
        let signature = self.key.sign(id: id)
        let code = self.parser.parse("https://q.brand.cn/c/7GQ2XK9P4M?91=\(signature.keyID)&92=\(signature.signature)")
        #expect(code.id == id)
        #expect(try self.trusted().check(code) == .valid(keyID: "HQ1"))
    }
}
