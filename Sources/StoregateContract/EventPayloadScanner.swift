/// A fast path for ``EventPayload/decode(_:)``: HQ decodes every event of the fleet, and `JSONDecoder` took a
/// quarter of its CPU. This reads the events gateways write — one JSON object, plain strings and integers, details
/// without lines or summary — and declines (nil) anything else, which `JSONDecoder` then decides: escapes in a
/// field it keeps, numbers that are not plain integers, a missing or repeated field, a `null` where a value is
/// required, lines, summaries. What it does not keep it still checks as strictly as JSON does, so it never accepts
/// bytes that `JSONDecoder` refuses (`EventPayloadScannerTests` compares the two on mutated events).
@_spi(Fuzzing) public struct EventPayloadScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    public static func scan(_ bytes: [UInt8]) -> EventPayload? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = EventPayloadScanner(bytes: buffer)
            return scanner.event()
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: The event

    private mutating func event() -> EventPayload? {
        var v: Int64?, seq: Int64?, timeMs: Int64?, provisional: Bool?
        var eventId: String?, op: String?, result: String?, reason: String?, lane: String?, `operator`: String?
        var role: String?, prevHash: String?
        var storeId: String??, gatewayId: String??, code: String??, details: EventPayload.Details??
        let complete = self.object { key, scanner in
            switch key {
            case "v": return Self.once(&v, scanner.integer())
            case "seq": return Self.once(&seq, scanner.integer())
            case "time_ms": return Self.once(&timeMs, scanner.integer())
            case "provisional": return Self.once(&provisional, scanner.boolean())
            case "event_id": return Self.once(&eventId, scanner.string())
            case "op": return Self.once(&op, scanner.string())
            case "result": return Self.once(&result, scanner.string())
            case "reason": return Self.once(&reason, scanner.string())
            case "lane": return Self.once(&lane, scanner.string())
            case "operator": return Self.once(&`operator`, scanner.string())
            case "role": return Self.once(&role, scanner.string())
            case "prev_hash": return Self.once(&prevHash, scanner.string())
            case "store_id": return Self.once(&storeId, scanner.optional { $0.string() })
            case "gateway_id": return Self.once(&gatewayId, scanner.optional { $0.string() })
            case "code": return Self.once(&code, scanner.optional { $0.string() })
            case "details": return Self.once(&details, scanner.optional { $0.details() })
            default: return scanner.skipValue()
            }
        }
        self.skipWhitespace()
        guard complete, self.index == self.bytes.count, let v, let version = Int(exactly: v), let seq, let timeMs,
              let provisional, let eventId, let op, let result, let reason, let lane, let `operator`, let role, let prevHash
        else { return nil }
        return EventPayload(v: version, seq: seq, eventId: eventId, storeId: storeId ?? nil, gatewayId: gatewayId ?? nil, op: op,
                            code: code ?? nil, result: result, reason: reason, lane: lane, operator: `operator`, role: role,
                            timeMs: timeMs, provisional: provisional, prevHash: prevHash, details: details ?? nil)
    }

    private mutating func details() -> EventPayload.Details? {
        var state: String??, campaign: String??, receipt: String??, currency: String??
        let complete = self.object { key, scanner in
            switch key {
            case "state": return Self.once(&state, scanner.optional { $0.string() })
            case "campaign": return Self.once(&campaign, scanner.optional { $0.string() })
            case "receipt": return Self.once(&receipt, scanner.optional { $0.string() })
            case "currency": return Self.once(&currency, scanner.optional { $0.string() })
            case "lines", "summary": return false
            default: return scanner.skipValue()
            }
        }
        guard complete else { return nil }
        return EventPayload.Details(state: state ?? nil, campaign: campaign ?? nil, receipt: receipt ?? nil,
                                    currency: currency ?? nil, lines: nil, summary: nil)
    }

    /// Sets `field` from `value`; false when it was set before (a repeated key) or there is no value.
    private static func once<Value>(_ field: inout Value?, _ value: Value?) -> Bool {
        guard field == nil, let value else { return false }
        field = value
        return true
    }

    // MARK: JSON

    /// An object whose keys are plain strings; `member` reads each value (false: decline). False when malformed.
    private mutating func object(_ member: (String, inout EventPayloadScanner) -> Bool) -> Bool {
        self.skipWhitespace()
        guard self.take(UInt8(ascii: "{")) else { return false }
        self.skipWhitespace()
        if self.take(UInt8(ascii: "}")) { return true }
        while true {
            self.skipWhitespace()
            guard let key = self.string() else { return false }
            self.skipWhitespace()
            guard self.take(UInt8(ascii: ":")) else { return false }
            self.skipWhitespace()
            guard member(key, &self) else { return false }
            self.skipWhitespace()
            if self.take(UInt8(ascii: ",")) { continue }
            return self.take(UInt8(ascii: "}"))
        }
    }

    /// `null` as .some(nil), a value as .some(value), anything else nil.
    private mutating func optional<Value>(_ value: (inout EventPayloadScanner) -> Value?) -> Value?? {
        if self.literal("null") { return .some(nil) }
        guard let value = value(&self) else { return nil }
        return .some(value)
    }

    /// A string without escapes, valid UTF-8 and no control characters; nil otherwise (escapes are declined).
    private mutating func string() -> String? {
        guard self.take(UInt8(ascii: "\"")) else { return nil }
        let start = self.index
        var ascii = true
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeBufferPointer(rebasing: self.bytes[start..<self.index])
                self.index += 1
                return ascii ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            self.index += 1
        }
        return nil
    }

    /// A plain integer (`-?(0|[1-9][0-9]*)`) that fits; a fraction or an exponent is declined.
    private mutating func integer() -> Int64? {
        let negative = self.take(UInt8(ascii: "-"))
        let start = self.index
        var value: Int64 = 0
        while self.index < self.bytes.count, case let byte = self.bytes[self.index], byte >= 0x30 && byte <= 0x39 {
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int64(byte - 0x30) * (negative ? -1 : 1))
            guard !overflowTimes && !overflowSum else { return nil }
            value = sum
            self.index += 1
        }
        let digits = self.index - start
        guard digits > 0, digits == 1 || self.bytes[start] != UInt8(ascii: "0") else { return nil }
        if self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
            default: break
            }
        }
        return value
    }

    private mutating func boolean() -> Bool? {
        if self.literal("true") { return true }
        if self.literal("false") { return false }
        return nil
    }

    /// Any JSON value, checked as JSON checks it and not kept.
    private mutating func skipValue(depth: Int = 0) -> Bool {
        guard depth < 64, self.index < self.bytes.count else { return false }
        switch self.bytes[self.index] {
        case UInt8(ascii: "\""): return self.skipString()
        case UInt8(ascii: "{"):
            return self.object { _, scanner in scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            self.index += 1
            self.skipWhitespace()
            if self.take(UInt8(ascii: "]")) { return true }
            while true {
                self.skipWhitespace()
                guard self.skipValue(depth: depth + 1) else { return false }
                self.skipWhitespace()
                if self.take(UInt8(ascii: ",")) { continue }
                return self.take(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"): return self.literal("true")
        case UInt8(ascii: "f"): return self.literal("false")
        case UInt8(ascii: "n"): return self.literal("null")
        default: return self.skipNumber()
        }
    }

    /// A string with any valid escapes.
    private mutating func skipString() -> Bool {
        guard self.take(UInt8(ascii: "\"")) else { return false }
        let start = self.index
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            switch byte {
            case UInt8(ascii: "\""):
                let text = UnsafeBufferPointer(rebasing: self.bytes[start..<self.index])
                self.index += 1
                return text.allSatisfy { $0 < 0x80 } || String(validating: text, as: UTF8.self) != nil
            case UInt8(ascii: "\\"):
                guard self.index + 1 < self.bytes.count else { return false }
                switch self.bytes[self.index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    self.index += 2
                default:
                    // \u escapes are declined: surrogates make their validity a matter for JSONDecoder.
                    return false
                }
            default:
                if byte < 0x20 { return false }
                self.index += 1
            }
        }
        return false
    }

    /// A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    private mutating func skipNumber() -> Bool {
        _ = self.take(UInt8(ascii: "-"))
        guard self.digits(leadingZero: false) > 0 else { return false }
        if self.take(UInt8(ascii: ".")) && self.digits(leadingZero: true) == 0 { return false }
        if self.take(UInt8(ascii: "e")) || self.take(UInt8(ascii: "E")) {
            if !self.take(UInt8(ascii: "+")) { _ = self.take(UInt8(ascii: "-")) }
            guard self.digits(leadingZero: true) > 0 else { return false }
        }
        return true
    }

    /// Consumes digits; their count, or 0 when `leadingZero` is false and a zero comes before another digit (an
    /// integer part; a fraction and an exponent may start with zeros).
    private mutating func digits(leadingZero: Bool) -> Int {
        let start = self.index
        while self.index < self.bytes.count, self.bytes[self.index] >= 0x30 && self.bytes[self.index] <= 0x39 { self.index += 1 }
        let count = self.index - start
        return !leadingZero && count > 1 && self.bytes[start] == UInt8(ascii: "0") ? 0 : count
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard self.index + length <= self.bytes.count else { return false }
        let matches = word.withUTF8Buffer { expected in
            (0..<length).allSatisfy { self.bytes[self.index + $0] == expected[$0] }
        }
        if matches { self.index += length }
        return matches
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard self.index < self.bytes.count, self.bytes[self.index] == byte else { return false }
        self.index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
            default: return
            }
        }
    }
}
