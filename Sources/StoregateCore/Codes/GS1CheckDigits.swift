/// GS1 check digits: the mod-10 digit of GTIN, SSCC, GLN… and the check character pair of GMN/MUDI.
public enum GS1CheckDigits {
    /// The mod-10 check digit for digits that do not yet carry one (weights 3,1,3… from the right).
    public static func mod10(forPayload payload: some BidirectionalCollection<UInt8>) -> UInt8 {
        var sum = 0
        var weightThree = true
        for byte in payload.reversed() {
            sum += ASCII.digitValue(byte) * (weightThree ? 3 : 1)
            weightThree.toggle()
        }
        return UInt8(ascii: "0") + UInt8((10 - sum % 10) % 10)
    }

    /// Whether digits end in their correct mod-10 check digit.
    public static func isValidMod10(_ digits: some BidirectionalCollection<UInt8>) -> Bool {
        guard let last = digits.last, ASCII.isAllDigits(digits) else { return false }
        return self.mod10(forPayload: digits.dropLast()) == last
    }

    static func mod10Failure(_ value: ArraySlice<UInt8>) -> GS1LintFailure? {
        guard let last = value.last, value.count >= 2 else { return nil }
        let expected = self.mod10(forPayload: value.dropLast())
        guard expected != last else { return nil }
        return GS1LintFailure(
            code: .checkDigit,
            problem: "check digit is \(ASCII.string([last])), should be \(ASCII.string([expected]))"
        )
    }

    private static let cset82 = Array(
        "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".utf8
    )
    private static let cset32 = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
    private static let primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83]

    /// The two check characters for a GMN payload (GS1 General Specifications §7.9.5); nil for characters outside
    /// character set 82 or a payload longer than 23.
    public static func alphaPair(forPayload payload: some Collection<UInt8>) -> [UInt8]? {
        guard payload.count <= self.primes.count else { return nil }
        var sum = 0
        // The rightmost payload character is weighted by the smallest prime.
        var weightIndex = payload.count - 1
        for byte in payload {
            guard let value = self.cset82.firstIndex(of: byte) else { return nil }
            sum += value * self.primes[weightIndex]
            weightIndex -= 1
        }
        sum %= 1021
        return [self.cset32[sum >> 5], self.cset32[sum & 31]]
    }

    static func alphaPairFailure(_ value: ArraySlice<UInt8>) -> GS1LintFailure? {
        guard value.count >= 3 else {
            return GS1LintFailure(code: .checkDigit, problem: "is too short to carry a check character pair")
        }
        let expected = self.alphaPair(forPayload: value.dropLast(2))
        guard let expected, expected.elementsEqual(value.suffix(2)) else {
            let should = expected.map { " should be " + ASCII.string($0) } ?? ""
            return GS1LintFailure(
                code: .checkDigit,
                problem: "check characters are \(ASCII.quoted(value.suffix(2))),\(should)"
            )
        }
        return nil
    }
}
