/// One component of an AI's data field, as the GS1 syntax dictionary describes it (`N14,csum`, `[X..16]`).
public struct GS1Component: Sendable, Equatable {
    public let characterSet: GS1CharacterSet
    /// Allowed length; fixed-length components have equal bounds, variable ones start at 1.
    public let length: ClosedRange<Int>
    /// Optional components may be left out once the data is exhausted.
    public let isOptional: Bool
    /// Content checks GS1 names for this component (see ``GS1Linter``).
    public let linters: [GS1Linter]

    public init(_ characterSet: GS1CharacterSet, _ length: ClosedRange<Int>, optional: Bool, linters: [GS1Linter]) {
        self.characterSet = characterSet
        self.length = length
        self.isOptional = optional
        self.linters = linters
    }
}

/// One row of the project's GS1 application identifier table: a single AI or a range such as 3100–3105.
///
/// The rows are generated from GS1's Barcode Syntax Dictionary (see ``table``); `requires` and `excludes` use the
/// dictionary's patterns, where `n` stands for any digit (`310n`).
public struct GS1ApplicationIdentifier: Sendable {
    /// First AI of the row, e.g. `3100`.
    public let first: String
    /// Last AI of the row (equal to ``first`` for a single AI).
    public let last: String
    /// Dictionary flag `*`: a predefined-length AI that needs no GS after it.
    public let predefinedLength: Bool
    /// Dictionary flag `?`: may appear as a GS1 Digital Link data attribute (query parameter).
    public let digitalLinkAttribute: Bool
    public let components: [GS1Component]
    /// `req=` attributes: each must be met; each is a list of alternatives, each alternative a set of AI patterns
    /// that must all be present (`req=01+21,03` is `[[["01", "21"], ["03"]]]`).
    public let requires: [[[String]]]
    /// `ex=`: AI patterns that must not appear in the same code.
    public let excludes: [String]
    /// `dlpkey`: nil when the AI is not a Digital Link primary key; otherwise the alternative ordered qualifier
    /// sequences (`[[]]` for a key without qualifiers).
    public let digitalLinkQualifiers: [[String]]?
    public let title: String

    public init(
        _ first: String,
        through last: String,
        predefinedLength: Bool,
        digitalLinkAttribute: Bool,
        components: [GS1Component],
        requires: [[[String]]],
        excludes: [String],
        digitalLinkQualifiers: [[String]]?,
        title: String
    ) {
        self.first = first
        self.last = last
        self.predefinedLength = predefinedLength
        self.digitalLinkAttribute = digitalLinkAttribute
        self.components = components
        self.requires = requires
        self.excludes = excludes
        self.digitalLinkQualifiers = digitalLinkQualifiers
        self.title = title
    }

    /// The total length when every component is mandatory and fixed, e.g. 14 for AI 01.
    public var fixedLength: Int? {
        var total = 0
        for component in self.components {
            guard !component.isOptional, component.length.lowerBound == component.length.upperBound else { return nil }
            total += component.length.upperBound
        }
        return total
    }

    /// The longest value the AI allows.
    public var maximumLength: Int { self.components.reduce(0) { $0 + $1.length.upperBound } }

    /// Every AI this row covers (`3100` … `3105`).
    public var identifiers: [String] {
        guard self.first != self.last, let low = Int(self.first), let high = Int(self.last), low <= high else {
            return [self.first]
        }
        let width = self.first.utf8.count
        return (low...high).map { number in
            let digits = String(number)
            return String(repeating: "0", count: max(0, width - digits.utf8.count)) + digits
        }
    }

    /// The row for an AI, e.g. `"17"` or `"3103"`; nil when GS1 defines no such AI.
    public static func definition(for ai: String) -> GS1ApplicationIdentifier? {
        let bytes = Array(ai.utf8)
        guard let found = self.lookup(bytes[...]), found.length == bytes.count else { return nil }
        return found.definition
    }

    /// Finds the AI at the start of `digits` (AIs are 2–4 digits and no AI is a prefix of another).
    static func lookup(_ digits: ArraySlice<UInt8>) -> (definition: GS1ApplicationIdentifier, length: Int)? {
        var number = 0
        var offset = 0
        for byte in digits.prefix(4) {
            guard ASCII.isDigit(byte) else { return nil }
            number = number * 10 + ASCII.digitValue(byte)
            offset += 1
            guard offset >= 2 else { continue }
            // Slot layout: 2-digit AIs at 0..<100, 3-digit at 100..<1100, 4-digit at 1100..<11100.
            let slot = offset == 2 ? number : offset == 3 ? 100 + number : 1100 + number
            let row = Self.index[slot]
            if row >= 0 { return (self.table[Int(row)], offset) }
        }
        return nil
    }

    private static let index: [Int16] = {
        var index = [Int16](repeating: -1, count: 11_100)
        for (row, definition) in table.enumerated() {
            for ai in definition.identifiers {
                let number = ASCII.number(ai.utf8)
                let width = ai.utf8.count
                let slot = width == 2 ? number : width == 3 ? 100 + number : 1100 + number
                index[slot] = Int16(row)
            }
        }
        return index
    }()

    /// Whether an AI matches a dictionary pattern such as `310n` (`n` is any digit).
    static func matches(_ ai: String, pattern: String) -> Bool {
        let ai = ai.utf8
        let pattern = pattern.utf8
        guard ai.count == pattern.count else { return false }
        return zip(ai, pattern).allSatisfy { $1 == UInt8(ascii: "n") ? ASCII.isDigit($0) : $0 == $1 }
    }
}
