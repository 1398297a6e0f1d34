/// GS1's named content checks ("linters") from the syntax dictionary.
///
/// ``isEnforced`` says whether storegate runs the check; the others need reference data storegate does not carry
/// (GS1 Company Prefix allocations, ISO code lists, coupon structures) and are documented in docs/codes.md.
public enum GS1Linter: String, Sendable, CaseIterable {
    case csum, csumalpha, gcppos1, gcppos2, hasnondigit, hh, hhmi, hyphen, iban, importeridx
    case iso3166, iso3166999, iso3166alpha2, iso4217, iso5218, latitude, longitude, mediatype, mi
    case nonzero, nozeroprefix, packagetype, pcenc, pieceoftotal, posinseqslash, ss, winding, yesno
    case yymmd0, yymmdd, yyyymmdd, zero, couponcode, couponposoffer

    /// Whether storegate checks this linter (format, length and character set are always checked).
    public var isEnforced: Bool {
        switch self {
        case .gcppos1, .gcppos2, .iso3166, .iso3166999, .iso3166alpha2, .iso4217, .packagetype, .couponcode,
            .couponposoffer:
            return false
        default:
            return true
        }
    }
}

/// Why a component failed a linter: the stable error code and the problem in words.
struct GS1LintFailure: Sendable {
    var code: ParseErrorCode
    var problem: String
}

extension GS1Linter {
    /// Checks one component's bytes (already known to be of the right character set and length).
    func check(_ value: ArraySlice<UInt8>, dates: GS1DateRules) -> GS1LintFailure? {
        switch self {
        case .csum: return GS1CheckDigits.mod10Failure(value)
        case .csumalpha: return GS1CheckDigits.alphaPairFailure(value)
        case .yymmd0: return dates.failure(yymmdd: value, allowZeroDay: true)
        case .yymmdd: return dates.failure(yymmdd: value, allowZeroDay: false)
        case .yyyymmdd: return dates.failure(yyyymmdd: value)
        case .hhmi: return Self.timeFailure(value, limits: [23, 59])
        case .hh: return Self.timeFailure(value, limits: [23])
        case .mi, .ss: return Self.timeFailure(value, limits: [59])
        case .zero: return value.elementsEqual([UInt8(ascii: "0")]) ? nil : Self.bad("must be 0")
        case .nonzero: return value.contains { $0 != UInt8(ascii: "0") } ? nil : Self.bad("must not be zero")
        case .yesno: return Self.oneOf(value, "01", "must be 0 (no) or 1 (yes)")
        case .winding: return Self.oneOf(value, "019", "must be 0, 1 or 9 (winding direction)")
        case .iso5218: return Self.oneOf(value, "0129", "must be 0, 1, 2 or 9 (ISO/IEC 5218 sex)")
        case .hyphen: return value.elementsEqual([UInt8(ascii: "-")]) ? nil : Self.bad("must be '-'")
        case .hasnondigit: return value.contains { !ASCII.isDigit($0) } ? nil : Self.bad("must contain a non-digit")
        case .nozeroprefix:
            return value.count > 1 && value.first == UInt8(ascii: "0") ? Self.bad("must not start with 0") : nil
        case .mediatype:
            let number = ASCII.number(value)
            return (1...10).contains(number) || (80...99).contains(number) ? nil : Self.bad("is not a media type")
        case .pieceoftotal: return Self.pieceOfTotalFailure(value)
        case .posinseqslash: return Self.positionInSequenceFailure(value)
        case .latitude: return ASCII.number(value) <= 1_800_000_000 ? nil : Self.bad("is not a latitude")
        case .longitude: return ASCII.number(value) <= 3_600_000_000 ? nil : Self.bad("is not a longitude")
        case .pcenc: return Self.percentEncodingFailure(value)
        case .importeridx: return Self.importerIndexFailure(value)
        case .iban: return Self.ibanFailure(value)
        case .gcppos1, .gcppos2, .iso3166, .iso3166999, .iso3166alpha2, .iso4217, .packagetype, .couponcode,
            .couponposoffer:
            return nil
        }
    }

    private static func bad(_ problem: String) -> GS1LintFailure {
        GS1LintFailure(code: .badValue, problem: problem)
    }

    private static func oneOf(_ value: ArraySlice<UInt8>, _ allowed: String, _ problem: String) -> GS1LintFailure? {
        value.count == 1 && allowed.utf8.contains(value[value.startIndex]) ? nil : self.bad(problem)
    }

    /// Two-digit groups each bounded (hours 00–23, minutes and seconds 00–59).
    private static func timeFailure(_ value: ArraySlice<UInt8>, limits: [Int]) -> GS1LintFailure? {
        var index = value.startIndex
        for limit in limits {
            guard index + 2 <= value.endIndex else { return GS1LintFailure(code: .badTime, problem: "is not a time") }
            let number = ASCII.number(value[index..<(index + 2)])
            if number > limit {
                return GS1LintFailure(code: .badTime, problem: "is not a time (\(number) is above \(limit))")
            }
            index += 2
        }
        return nil
    }

    /// `pppptttt`-style halves: piece number and total, piece ≤ total, neither zero.
    private static func pieceOfTotalFailure(_ value: ArraySlice<UInt8>) -> GS1LintFailure? {
        guard value.count % 2 == 0, !value.isEmpty else { return self.bad("is not a piece of a total") }
        let half = value.count / 2
        let piece = ASCII.number(value.prefix(half))
        let total = ASCII.number(value.suffix(half))
        guard piece > 0, total > 0, piece <= total else {
            return self.bad("piece \(piece) of total \(total) is not a piece of the total")
        }
        return nil
    }

    /// `n/m` with 1 ≤ n ≤ m ≤ 9.
    private static func positionInSequenceFailure(_ value: ArraySlice<UInt8>) -> GS1LintFailure? {
        let bytes = Array(value)
        guard bytes.count == 3, ASCII.isDigit(bytes[0]), bytes[1] == UInt8(ascii: "/"), ASCII.isDigit(bytes[2]),
            bytes[0] != UInt8(ascii: "0"), bytes[0] <= bytes[2]
        else { return self.bad("is not a position in a sequence (n/m)") }
        return nil
    }

    /// Every `%` must start a two-hex-digit escape.
    private static func percentEncodingFailure(_ value: ArraySlice<UInt8>) -> GS1LintFailure? {
        var index = value.startIndex
        while index < value.endIndex {
            if value[index] == UInt8(ascii: "%") {
                guard index + 2 < value.endIndex,
                    PercentEncoding.hexValue(value[index + 1]) != nil, PercentEncoding.hexValue(value[index + 2]) != nil
                else { return self.bad("has a '%' that does not start a %XX escape") }
                index += 3
            } else {
                index += 1
            }
        }
        return nil
    }

    private static func importerIndexFailure(_ value: ArraySlice<UInt8>) -> GS1LintFailure? {
        guard let byte = value.first, value.count == 1,
            ASCII.isDigit(byte) || ASCII.isUpper(byte) || ASCII.isLower(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_")
        else { return self.bad("is not an importer index (0-9, A-Z, a-z, - or _)") }
        return nil
    }

    /// ISO 13616: two letters, two check digits, up to 30 alphanumerics; mod 97 of the rearranged number is 1.
    private static func ibanFailure(_ value: ArraySlice<UInt8>) -> GS1LintFailure? {
        let bytes = Array(value)
        guard bytes.count >= 5, ASCII.isUpper(bytes[0]), ASCII.isUpper(bytes[1]), ASCII.isDigit(bytes[2]),
            ASCII.isDigit(bytes[3]), bytes.allSatisfy({ ASCII.isDigit($0) || ASCII.isUpper($0) })
        else { return self.bad("is not an IBAN") }
        var remainder = 0
        for byte in bytes[4...] + bytes[0..<4] {
            let number = ASCII.isDigit(byte) ? ASCII.digitValue(byte) : Int(byte - UInt8(ascii: "A")) + 10
            remainder = (number >= 10 ? remainder * 100 + number : remainder * 10 + number) % 97
        }
        return remainder == 1 ? nil : GS1LintFailure(code: .checkDigit, problem: "has a wrong IBAN check number")
    }
}
