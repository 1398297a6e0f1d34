import Foundation

/// Reads the test target's fixture files (copied into the bundle, so tests never reach outside the package).
enum FixtureFiles {
    static func text(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw FixtureError(message: "fixture \(name) is missing from the test bundle")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    struct FixtureError: Error, CustomStringConvertible {
        var message: String
        var description: String { self.message }
    }
}

/// `{GS}` and `\xHH` escapes used in fixture files and test tables.
enum ScanEscapes {
    static func bytes(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        let input = Array(text.utf8)
        var index = 0
        while index < input.count {
            if input[index...].starts(with: Array("{GS}".utf8)) {
                out.append(0x1D)
                index += 4
            } else if input[index...].starts(with: Array("\\x".utf8)), index + 3 < input.count,
                let byte = UInt8(String(decoding: input[(index + 2)...(index + 3)], as: UTF8.self), radix: 16)
            {
                out.append(byte)
                index += 4
            } else {
                out.append(input[index])
                index += 1
            }
        }
        return out
    }
}
