public import Foundation
public import StoregateContract
public import StoregateCore
import StoregateConfig

/// Why an export cannot be made: a bad period, place or event. Nothing is written then.
public struct EPCISExportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The journal events of a store as an EPCIS 2.0 document (docs/epcis.md): the one mapping behind `storegate export
/// epcis` (the store's ledger) and `storegate-hq export epcis` (HQ's copy of the same events). Both hand it the
/// events' canonical payload bytes, so the same event exports the same way in either place.
public struct EPCISExporter: Sendable {
    /// The store: EPCIS `bizLocation`.
    public let bizLocation: String
    /// Where in the store codes are scanned: EPCIS `readPoint`.
    public let readPoint: String
    /// The store's offset from UTC in minutes at an instant (milliseconds since 1970): its time zone's rules.
    public let utcOffsetMinutes: @Sendable (Int64) -> Int

    /// - Parameters:
    ///   - gln: the store's GLN (check digit checked).
    ///   - readPointExtension: a GLN extension (AI 254) for the read point; without it the read point is the GLN.
    public init(gln: String, readPointExtension: String? = nil, utcOffsetMinutes: @escaping @Sendable (Int64) -> Int) throws(EPCISExportError) {
        try Self.checkPlace(gln: gln, readPointExtension: readPointExtension)
        self.bizLocation = EPCISIdentifiers.location(gln: gln)
        self.readPoint = EPCISIdentifiers.location(gln: gln, extension: readPointExtension)
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// Throws why `gln` is not a GLN or `readPointExtension` not a GLN extension (AI 254).
    public static func checkPlace(gln: String, readPointExtension: String?) throws(EPCISExportError) {
        if let problem = StoreSettings.glnProblem(gln) { throw EPCISExportError(problem) }
        if let component = readPointExtension, let problem = StoreSettings.extensionProblem(component) { throw EPCISExportError(problem) }
    }

    /// The document of every exported event in `payloads` (canonical journal event bytes, in journal order) whose
    /// time is in `period`. Events that are not exported (docs/epcis.md) are left out; bytes that are not an event
    /// of the contract are an error.
    public func document(payloads: some Sequence<[UInt8]>, period: EPCISPeriod, creationDate: Timestamp) throws(EPCISExportError) -> EPCISDocument {
        var events: [EPCISObjectEvent] = []
        for bytes in payloads {
            let payload: EventPayload
            do {
                payload = try EventPayload.decode(bytes)
            } catch {
                throw EPCISExportError("not a journal event: \(error.description)")
            }
            guard period.contains(payload.timeMs), let event = self.event(payload, bytes: bytes) else { continue }
            events.append(event)
        }
        return EPCISDocument(creationDate: EPCISTime.utc(creationDate.milliseconds), events: events)
    }

    /// The ObjectEvent of one journal event; nil when the event is not exported: not accepted (a refused scan
    /// changed nothing), an operation without a CBV step, or no code EPCIS can name.
    public func event(_ payload: EventPayload, bytes: [UInt8]) -> EPCISObjectEvent? {
        guard payload.result == ResultCode.accepted.rawValue, let operation = JournalOperation(rawValue: payload.op),
            var step = EPCISMapping.step(operation)
        else { return nil }
        var extensions = EPCISObjectEvent.Extensions(
            operation: payload.op, seq: payload.seq, lane: payload.lane, reason: payload.reason, campaign: payload.details?.campaign,
            receipt: payload.details?.receipt, provisional: payload.provisional ? true : nil)
        var epcs: [String] = []
        var quantities: [EPCISObjectEvent.QuantityElement] = []
        switch operation {
        case .sale, .return:
            for line in payload.details?.lines ?? [] where line.type != "reward" {
                if let code = line.code {
                    guard let epc = EPCISIdentifiers.epc(codeID: code) else { return nil }
                    if !epcs.contains(epc) { epcs.append(epc) }
                } else if let gtin = line.gtin {
                    quantities.append(.init(epcClass: EPCISIdentifiers.epcClass(gtin: gtin), quantity: line.quantity))
                }
            }
        default:
            guard let code = payload.code, let epc = EPCISIdentifiers.epc(codeID: code) else { return nil }
            epcs = [epc]
        }
        if operation == .void {
            let undone = VoidDetails.earlier(in: bytes)
            extensions.voidedOperation = undone?.op
            extensions.voidedSeq = undone?.seq
            step.disposition = undone.flatMap { CodeState(rawValue: $0.previousState) }.flatMap(EPCISMapping.disposition(restoring:))
        }
        guard !epcs.isEmpty || !quantities.isEmpty else { return nil }
        return EPCISObjectEvent(
            eventID: "urn:uuid:" + payload.eventId.lowercased(),
            eventTime: EPCISTime.utc(payload.timeMs),
            eventTimeZoneOffset: EPCISTime.offset(minutes: self.utcOffsetMinutes(payload.timeMs)),
            epcList: epcs, quantityList: quantities, action: "OBSERVE", bizStep: step.bizStep, disposition: step.disposition,
            readPoint: self.readPoint, bizLocation: self.bizLocation, extensions: extensions)
    }

    /// The document as pretty-printed JSON, keys sorted.
    public static func encode(_ document: EPCISDocument) throws(EPCISExportError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(document) + Data("\n".utf8)
        } catch {
            throw EPCISExportError("cannot write the document as JSON: \(error)")
        }
    }

    /// Writes `data` to `path` (through a temporary file renamed over it, so a failed export leaves nothing half
    /// written), or to standard output when `path` is nil.
    public static func write(_ data: Data, to path: String?) throws(EPCISExportError) {
        guard let path else {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw EPCISExportError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// The part of a void's `details` the contract's ``EventPayload`` does not decode: the change it undid.
private struct VoidDetails: Decodable {
    struct Earlier: Decodable {
        var op: String
        var previousState: String
        var seq: Int64?

        private enum CodingKeys: String, CodingKey {
            case op, seq
            case previousState = "previous_state"
        }
    }

    struct Details: Decodable { var earlier: Earlier? }

    var details: Details?

    static func earlier(in bytes: [UInt8]) -> Earlier? {
        (try? JSONDecoder().decode(VoidDetails.self, from: Data(bytes)))?.details?.earlier
    }
}
