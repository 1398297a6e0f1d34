import StoregateCore
import StoregateTesting

/// Random, mostly valid sets of AIs as a Digital Link carries them: a primary key, its qualifiers, attributes.
/// Values mix the shapes the compression encodes differently (digits with leading zeros, upper- and lower-case
/// hex, base64url, any character of set 82), and the AI combinations reach the standard's optimisation codes.
struct RandomAISets {
    var units: RandomUnits

    init(generator: SeededGenerator) {
        self.units = RandomUnits(generator: generator)
    }

    mutating func next() -> [ElementString] {
        switch Int.random(in: 0..<10, using: &self.units.generator) {
        case 0: return [ElementString(ai: "00", value: self.sscc())]
        case 1: return self.glnWithExtension()
        default: return self.tradeItem()
        }
    }

    private mutating func tradeItem() -> [ElementString] {
        var elements = [ElementString(ai: "01", value: self.units.gtin())]
        if self.chance(1, in: 8) {
            elements.append(ElementString(ai: "235", value: self.value(maxLength: 28)))
        } else {
            for ai in ["22", "10", "21"] where self.chance(1, in: 2) {
                elements.append(ElementString(ai: ai, value: self.value(maxLength: 20)))
            }
        }
        for ai in ["17", "15", "11"] where self.chance(1, in: 3) {
            elements.append(ElementString(ai: ai, value: self.units.expiry()))
        }
        if self.chance(1, in: 3) {
            elements.append(ElementString(ai: "310\(Int.random(in: 0...5, using: &self.units.generator))", value: self.digits(6)))
        }
        if self.chance(1, in: 4) {
            elements.append(ElementString(ai: "30", value: self.digits(Int.random(in: 1...8, using: &self.units.generator))))
        }
        if elements.contains(where: { $0.ai == "30" || $0.ai.hasPrefix("310") }), self.chance(1, in: 2) {
            elements.append(ElementString(
                ai: "392\(Int.random(in: 0...9, using: &self.units.generator))",
                value: self.digits(Int.random(in: 1...15, using: &self.units.generator))))
        }
        if self.chance(1, in: 5) {
            let date = self.units.expiry().dropLast(2) + "15"
            let hour = Int.random(in: 0...23, using: &self.units.generator)
            let minute = Int.random(in: 0...59, using: &self.units.generator)
            elements.append(ElementString(ai: "7003", value: date + self.twoDigits(hour) + self.twoDigits(minute)))
        }
        if self.chance(1, in: 6) {
            elements.append(ElementString(ai: "91", value: self.value(maxLength: 8)))
            elements.append(ElementString(ai: "92", value: self.base64url(length: 86)))
        }
        return elements
    }

    private mutating func glnWithExtension() -> [ElementString] {
        let payload = Array(self.digits(12).utf8)
        let gln = String(decoding: payload + [GS1CheckDigitsProxy.mod10(payload)], as: UTF8.self)
        var elements = [ElementString(ai: "414", value: gln)]
        if self.chance(1, in: 2) {
            elements.append(ElementString(ai: "254", value: self.value(maxLength: 20)))
        }
        return elements
    }

    private mutating func sscc() -> String {
        let payload = Array(self.digits(17).utf8)
        return String(decoding: payload + [GS1CheckDigitsProxy.mod10(payload)], as: UTF8.self)
    }

    /// A value in one of the shapes the compression picks an encoding for.
    private mutating func value(maxLength: Int) -> String {
        let length = Int.random(in: 1...maxLength, using: &self.units.generator)
        switch Int.random(in: 0..<5, using: &self.units.generator) {
        case 0: return "0" + self.digits(length - 1)
        case 1: return self.characters(length, from: Array("0123456789ABCDEF"))
        case 2: return self.characters(length, from: Array("0123456789abcdef"))
        case 3: return self.base64url(length: length)
        default: return self.units.text(maxLength: length)
        }
    }

    private mutating func base64url(length: Int) -> String {
        self.characters(length, from: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"))
    }

    private mutating func digits(_ count: Int) -> String {
        self.characters(count, from: Array("0123456789"))
    }

    private mutating func characters(_ count: Int, from alphabet: [Character]) -> String {
        String((0..<count).map { _ in alphabet.randomElement(using: &self.units.generator) ?? "0" })
    }

    private func twoDigits(_ number: Int) -> String {
        number < 10 ? "0\(number)" : "\(number)"
    }

    private mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        Int.random(in: 0..<denominator, using: &self.units.generator) < numerator
    }
}
