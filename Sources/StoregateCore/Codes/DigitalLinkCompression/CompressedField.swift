/// How one component of an AI's value is laid out in compressed Digital Link bits.
///
/// Numeric components are one binary integer (variable ones after a length); every other character set carries a
/// 3-bit ``CompressionFormat/ValueEncoding`` first. An optional component counts as variable-length, because it
/// may be absent (length 0).
enum CompressedField: Equatable {
    case fixedNumeric(digits: Int)
    case variableNumeric(maximum: Int)
    case fixedText(characters: Int)
    case variableText(maximum: Int)

    /// The fields of an AI's value, in component order.
    ///
    /// The standard's format table lists an AI's value in fewer parts than the syntax dictionary: consecutive
    /// mandatory fixed-length components of one kind are one field (ITIP 8006 `N14 N2 N2` is one 18-digit
    /// number, 7040 `N1 X1 X1 X1` is a digit and a 3-character text), so they are merged here.
    static func fields(of definition: GS1ApplicationIdentifier) -> [CompressedField] {
        var fields: [CompressedField] = []
        for component in definition.components {
            let fixed = !component.isOptional && component.length.lowerBound == component.length.upperBound
            let length = component.length.upperBound
            let field: CompressedField
            switch (component.characterSet, fixed) {
            case (.numeric, true): field = .fixedNumeric(digits: length)
            case (.numeric, false): field = .variableNumeric(maximum: length)
            case (_, true): field = .fixedText(characters: length)
            case (_, false): field = .variableText(maximum: length)
            }
            switch (fields.last, field) {
            case let (.fixedNumeric(before)?, .fixedNumeric(digits)):
                fields[fields.count - 1] = .fixedNumeric(digits: before + digits)
            case let (.fixedText(before)?, .fixedText(characters)):
                fields[fields.count - 1] = .fixedText(characters: before + characters)
            default:
                fields.append(field)
            }
        }
        return fields
    }
}
