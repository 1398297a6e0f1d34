import Crypto
import Foundation
public import Logging
public import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateTrust
public import StoregateLedger

/// Verifies each downlink message and, only if HQ signed it for this store, applies it to the ledger once.
///
/// Never throws and never traps: a bad message becomes a ``DownlinkReport`` with `outcome: rejected`, which is
/// logged and published upstream.
public struct DownlinkProcessor: Sendable {
    private let ledger: Ledger
    private let storeID: String
    private let logger: Logger
    /// Where code batches are staged as JSON Lines for the importer.
    private let scratchDirectory: String

    public init(ledger: Ledger, storeID: String, logger: Logger, scratchDirectory: String) {
        self.ledger = ledger
        self.storeID = storeID
        self.logger = logger
        self.scratchDirectory = scratchDirectory
    }

    public func process(topic: String, payload: [UInt8]) -> DownlinkReport {
        // Logged before the work: a code batch takes seconds to apply, and whoever watches should see it started.
        self.logger.info("downlink received", metadata: ["topic": "\(topic)", "bytes": "\(payload.count)"])
        let report = self.evaluate(topic: topic, payload: payload)
        switch report.outcome {
        case .applied:
            self.logger.info("downlink applied", metadata: ["topic": "\(topic)", "stream": "\(report.stream ?? "")", "seq": "\(report.seq ?? 0)"])
        case .duplicate:
            self.logger.debug("downlink duplicate ignored", metadata: ["topic": "\(topic)"])
        case .rejected:
            self.logger.warning("downlink rejected: \(report.reason)", metadata: ["topic": "\(topic)", "problem": "\(report.problem?.rawValue ?? "")"])
        }
        return report
    }

    private func evaluate(topic: String, payload: [UInt8]) -> DownlinkReport {
        let now = Timestamp.now
        func rejected(_ problem: DownlinkReport.Problem, _ reason: String, keyID: String? = nil, message: DownlinkMessage? = nil) -> DownlinkReport {
            DownlinkReport(topic: topic, outcome: .rejected, problem: problem, reason: reason, stream: message?.stream,
                           seq: message?.seq, keyId: keyID, timeMs: now.milliseconds)
        }
        guard let address = DownlinkAddress(topic: topic), address.target == "*" || address.target == self.storeID else {
            return rejected(.wrongTopic, "topic \(topic) is not a downlink topic for store \(self.storeID)")
        }
        let keys: [String: String]
        do {
            keys = try self.ledger.downlinkKeys()
        } catch {
            return rejected(.invalidContent, "cannot read the downlink keys: \(error)")
        }
        let message: DownlinkMessage
        let signedBytes: [UInt8]
        let verifier: DownlinkVerifier
        do {
            verifier = try DownlinkVerifier(keys: keys)
        } catch {
            return rejected(.invalidContent, "the stored downlink keys cannot be read: \(error)")
        }
        switch verifier.verify(payload, address: address) {
        case .failure(let failure):
            return rejected(failure.problem, failure.reason, keyID: failure.keyID)
        case .success(let verified):
            (message, signedBytes) = verified
        }
        let keyID = (try? HQJSON.decode(DownlinkEnvelope.self, from: payload))?.keyId
        let hash = SHA256.hash(data: signedBytes).map { String(format: "%02x", $0) }.joined()
        if let state = try? self.ledger.downlinkStream(message.stream), state.seq >= message.seq {
            if state.seq == message.seq && state.payloadHash == hash {
                return DownlinkReport(topic: topic, outcome: .duplicate, reason: "already applied", stream: message.stream,
                                      seq: message.seq, keyId: keyID, timeMs: now.milliseconds)
            }
            return rejected(.replayed, "stream \(message.stream) is at \(state.seq); message \(message.seq) is old or replayed",
                            keyID: keyID, message: message)
        }
        do {
            let change = try self.change(for: message, signedBy: keyID)
            try self.ledger.applyDownlink(stream: message.stream, seq: message.seq, payloadHash: hash, change: change, at: now)
        } catch let error as LedgerError where error.code == .downlinkReplayed {
            return rejected(.replayed, error.message, keyID: keyID, message: message)
        } catch let error as LedgerError where error.code == .keyRefused {
            return rejected(.invalidContent, error.message, keyID: keyID, message: message)
        } catch let error as ContentError {
            return rejected(.invalidContent, error.reason, keyID: keyID, message: message)
        } catch {
            return rejected(.invalidContent, "cannot apply: \(error)", keyID: keyID, message: message)
        }
        return DownlinkReport(topic: topic, outcome: .applied, reason: "applied", stream: message.stream, seq: message.seq,
                              keyId: keyID, timeMs: now.milliseconds)
    }

    struct ContentError: Error {
        var reason: String
    }

    /// Turns the message body into a ledger change; code batches are imported here (the importer's own batch
    /// transactions; importing again skips what is already registered, so a crash before the stream's sequence
    /// is stored only repeats harmless work).
    private func change(for message: DownlinkMessage, signedBy keyID: String?) throws -> DownlinkChange {
        let body = message.body
        switch message.kind {
        case "sync":
            return .none
        case "codes":
            guard let codes = body.codes, !codes.isEmpty else { throw ContentError(reason: "codes message without codes") }
            try self.importCodes(codes, seq: message.seq)
            return .none
        case "revocations":
            guard let revocations = body.revocations, !revocations.isEmpty else {
                throw ContentError(reason: "revocations message without revocations")
            }
            var pairs: [(String, String)] = []
            for revocation in revocations {
                guard let id = CanonicalIDFastPath.parsedCode(revocation.code)?.id else {
                    throw ContentError(reason: "revocation of \(revocation.code): not a canonical code id")
                }
                pairs.append((id, revocation.reason))
            }
            return .revocations(pairs)
        case "policy":
            let campaigns = (body.campaigns ?? []).map {
                CampaignPolicy(name: $0.name, starts: Timestamp(milliseconds: $0.startsMs), ends: Timestamp(milliseconds: $0.endsMs),
                               soldHereFirst: $0.soldHereFirst ?? false)
            }
            return .policy(DownlinkChange.Policy(
                region: body.region, allowProvisional: body.allowProvisional, undoWindowMilliseconds: body.undoWindowMs,
                undoSameLaneOrOperatorOnly: body.undoSameLaneOrOperatorOnly,
                maxTimeWithoutSyncMilliseconds: body.maxTimeWithoutSyncMs, returnWindowMilliseconds: body.returnWindowMs,
                campaigns: campaigns))
        case "keys":
            var keys = DownlinkChange.Keys()
            keys.signedBy = keyID
            for key in body.codeKeys?.add ?? [] { keys.addCodeKeys[key.keyId] = try Self.checkedKey(key) }
            keys.retireCodeKeys = body.codeKeys?.retire ?? []
            for key in body.downlinkKeys?.add ?? [] { keys.addDownlinkKeys[key.keyId] = try Self.checkedKey(key) }
            keys.retireDownlinkKeys = body.downlinkKeys?.retire ?? []
            return .keys(keys)
        case "commands":
            switch body.command {
            case "publish_status":
                return .none
            case "requeue":
                guard let from = body.fromSeq, let to = body.toSeq, from >= 1, from <= to else {
                    throw ContentError(reason: "requeue needs from_seq <= to_seq (both >= 1)")
                }
                try self.ledger.requeueOutbox(seqs: from...to)
                return .none
            default:
                throw ContentError(reason: "unknown command \(body.command ?? "(none)"); known: publish_status, requeue")
            }
        default:
            throw ContentError(reason: "unknown kind \(message.kind)")
        }
    }

    private static func checkedKey(_ key: DownlinkBody.Key) throws -> String {
        guard !key.keyId.isEmpty else { throw ContentError(reason: "a key without key_id") }
        do {
            _ = try Ed25519Keys.publicKey(key.publicKey, keyID: key.keyId)
        } catch {
            throw ContentError(reason: error.message)
        }
        return key.publicKey
    }

    private func importCodes(_ codes: [DownlinkBody.Code], seq: Int64) throws {
        var lines = ""
        for code in codes {
            var object: [String: Any] = ["code": code.code]
            if let value = code.product { object["product"] = value }
            if let value = code.lot { object["lot"] = value }
            if let value = code.expiry { object["expiry"] = value }
            if let value = code.parent { object["parent"] = value }
            if let value = code.campaign { object["campaign"] = value }
            if let value = code.regions { object["regions"] = value }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            lines += String(decoding: data, as: UTF8.self) + "\n"
        }
        let file = (self.scratchDirectory as NSString).appendingPathComponent("downlink-codes-\(seq)-\(UUID().uuidString).jsonl")
        try lines.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let report = try self.ledger.importCodes(from: file, options: ImportOptions(format: .jsonl, strict: true))
        if report.rejected > 0 {
            throw ContentError(reason: "code batch has \(report.rejected) invalid rows: \(report.rejections.map(\.reason).prefix(3).joined(separator: "; "))")
        }
    }
}
