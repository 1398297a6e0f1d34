import StoregateConfig
import StoregateCore
import StoregateScanners
import TOMLKit

extension ConfigLoader {
    /// A `[[scanner]]`'s keyboard pass-through keys (docs/config.md).
    static let passThroughKeys = [
        "pass_through", "pass_through_layout", "pass_through_suffix", "pass_through_gs", "pass_through_allowed",
        "pass_through_max_length", "pass_through_key_delay_ms",
    ]

    /// The scanner's pass-through settings, nil when `pass_through` is not true; every bad value is reported with
    /// its key. The till's layout defaults to the scanner's (`layout=` in `source`), else `us`.
    static func passThrough(_ scanner: TOMLTable, prefix: String, source: String, reader: inout TOMLReader) -> PassThroughSettings? {
        guard reader.bool(scanner, "\(prefix).pass_through") == true else {
            for key in Self.passThroughKeys.dropFirst() where scanner[key] != nil {
                reader.fail("\(prefix).\(key)", "has no effect without pass_through = true")
            }
            return nil
        }
        var format = PassThroughFormat(layout: (try? ScanSourceSpec(parsing: source))?.assignment?.layout ?? .us)
        if let name = reader.string(scanner, "\(prefix).pass_through_layout", entry: "pass_through_layout") {
            if let layout = KeyboardLayout.named(name) { format.layout = layout } else {
                reader.fail("\(prefix).pass_through_layout",
                            "\(name) is not a keyboard layout; use one of \(KeyboardLayout.all.map(\.name).joined(separator: ", "))")
            }
        }
        if let name = reader.string(scanner, "\(prefix).pass_through_suffix", entry: "pass_through_suffix") {
            if let suffix = PassThroughFormat.Suffix(rawValue: name) { format.suffix = suffix } else {
                reader.fail("\(prefix).pass_through_suffix", "\(name) is not a suffix; use enter, tab or none")
            }
        }
        if let text = reader.string(scanner, "\(prefix).pass_through_gs", entry: "pass_through_gs") {
            switch PassThroughFormat.GroupSeparator.parse(text, layout: format.layout) {
            case .success(let rendering): format.groupSeparator = rendering
            case .failure(let problem): reader.fail("\(prefix).pass_through_gs", problem.description)
            }
        }
        if let text = reader.string(scanner, "\(prefix).pass_through_allowed", entry: "pass_through_allowed") {
            switch PassThroughCharacters.parse(text, layout: format.layout) {
            case .success(let allowed): format.allowed = allowed
            case .failure(let problem): reader.fail("\(prefix).pass_through_allowed", problem.description)
            }
        }
        format.maxLength = reader.int(scanner, "\(prefix).pass_through_max_length", PassThroughFormat.maxLengthRange) ?? format.maxLength
        let delay = reader.int(scanner, "\(prefix).pass_through_key_delay_ms", PassThroughSettings.keyDelayRange)
        return PassThroughSettings(format: format, keyDelayMilliseconds: delay ?? PassThroughSettings.defaultKeyDelayMilliseconds)
    }
}
