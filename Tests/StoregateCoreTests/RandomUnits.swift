import StoregateTesting
/// Random valid GS1 data for round-trip and mutation tests.
struct RandomUnits {
    static let cset82 = Array("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")

    var generator: SeededGenerator

    mutating func gtin() -> String {
        let payload = (0..<13).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &self.generator) }
        return String(decoding: payload + [GS1CheckDigitsProxy.mod10(payload)], as: UTF8.self)
    }

    mutating func text(maxLength: Int) -> String {
        let count = Int.random(in: 1...maxLength, using: &self.generator)
        return String((0..<count).map { _ in Self.cset82.randomElement(using: &self.generator) ?? "A" })
    }

    /// YYMMDD between 2000 and 2049, day 00 sometimes.
    mutating func expiry() -> String {
        let year = Int.random(in: 0...49, using: &self.generator)
        let month = Int.random(in: 1...12, using: &self.generator)
        let day = Int.random(in: 0...28, using: &self.generator)
        return [year, month, day].map { $0 < 10 ? "0\($0)" : "\($0)" }.joined()
    }
}

import StoregateCore

enum GS1CheckDigitsProxy {
    static func mod10(_ payload: [UInt8]) -> UInt8 { GS1CheckDigits.mod10(forPayload: payload) }
}
