import ArgumentParser
import Foundation
import StoregateCore
import StoregateFoundation
import StoregateLedger

struct LedgerPolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "Show or change the store's policy.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Accept signed codes not yet registered (true/false).") var allowProvisional: Bool?
    @Option(help: "How many days after an operation void may undo it.") var undoWindowDays: Int?
    @Option(help: "Only the same lane or operator may void (true/false).") var undoSameLaneOrOperator: Bool?
    @Option(help: "Store local time offset from UTC in minutes (for expiry dates).") var utcOffsetMinutes: Int?

    func run() throws {
        let ledger = try Ledger(path: self.ledger.db)
        if self.allowProvisional != nil || self.undoWindowDays != nil || self.undoSameLaneOrOperator != nil || self.utcOffsetMinutes != nil {
            if let days = self.undoWindowDays, days < 0 { throw ValidationError("--undo-window-days must not be negative") }
            try ledger.updatePolicy { policy in
                if let value = self.allowProvisional { policy.allowProvisional = value }
                if let days = self.undoWindowDays { policy.undoWindowMilliseconds = Int64(days) * 86_400_000 }
                if let value = self.undoSameLaneOrOperator { policy.undoSameLaneOrOperatorOnly = value }
                if let value = self.utcOffsetMinutes { policy.utcOffsetMinutes = value }
            }
        }
        let policy = try ledger.policy()
        let campaigns = policy.campaigns.values.sorted { $0.name < $1.name }.map {
            "\($0.name) \($0.starts.utcText) – \($0.ends.utcText)\($0.soldHereFirst ? " sold-here-first" : "")"
        }
        if self.output.json {
            struct JSONPolicy: Encodable {
                var store_id: String, region: String, allow_provisional: Bool, undo_window_ms: Int64
                var undo_same_lane_or_operator_only: Bool, utc_offset_minutes: Int, campaigns: [String]
            }
            try printJSON(JSONPolicy(
                store_id: policy.storeID, region: policy.region, allow_provisional: policy.allowProvisional,
                undo_window_ms: policy.undoWindowMilliseconds, undo_same_lane_or_operator_only: policy.undoSameLaneOrOperatorOnly,
                utc_offset_minutes: policy.utcOffsetMinutes, campaigns: campaigns))
        } else {
            print("store \(policy.storeID), region \(policy.region)")
            print("provisional acceptance: \(policy.allowProvisional ? "on" : "off")")
            print("undo window: \(policy.undoWindowMilliseconds / 3_600_000) h, \(policy.undoSameLaneOrOperatorOnly ? "same lane or operator only" : "any lane")")
            print("UTC offset: \(policy.utcOffsetMinutes) min")
            for campaign in campaigns { print("campaign \(campaign)") }
        }
    }
}

struct LedgerCampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "campaign", abstract: "Campaign redemption windows.",
                                                    subcommands: [Set.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Create or replace a campaign's window.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Campaign name (as in the codes' campaign column).") var name: String
        @Option(help: "Start: YYYY-MM-DD (00:00 UTC) or ISO 8601 date-time.") var from: String
        @Option(help: "End (exclusive): YYYY-MM-DD or ISO 8601 date-time.") var to: String
        @Flag(help: "Redeem only units this store sold.") var soldHere = false

        func run() throws {
            let campaign = CampaignPolicy(name: self.name, starts: try Self.time(self.from, "--from"),
                                          ends: try Self.time(self.to, "--to"), soldHereFirst: self.soldHere)
            try Ledger(path: self.ledger.db).setCampaign(campaign)
            if self.output.json {
                var writer = JSONObjectWriter()
                writer.add("campaign", campaign.name)
                writer.add("ends_ms", campaign.ends.milliseconds)
                writer.add("sold_here_first", campaign.soldHereFirst)
                writer.add("starts_ms", campaign.starts.milliseconds)
                print(writer.finished())
                return
            }
            print("campaign \(campaign.name): \(campaign.starts.utcText) – \(campaign.ends.utcText)\(campaign.soldHereFirst ? ", sold here first" : "")")
        }

        static func time(_ text: String, _ option: String) throws -> Timestamp {
            if let date = CivilDate(iso: text) { return Timestamp(milliseconds: Int64(date.daysSinceEpoch) * 86_400_000) }
            if let date = ISO8601DateFormatter().date(from: text) {
                return Timestamp(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
            }
            throw ValidationError("\(option) \(text) is not a date (YYYY-MM-DD) or ISO 8601 date-time (2026-03-01T00:00:00Z)")
        }
    }
}

struct LedgerKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "HQ public keys that prove codes were issued.",
                                                    subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Trust an HQ Ed25519 public key.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Key id (as in the codes' AI 91).") var keyID: String
        @Argument(help: "base64url raw Ed25519 public key (32 bytes). One that starts with '-' goes after --: keys add K1 -- -Abc…")
        var publicKey: String

        func run() throws {
            do {
                try Ledger(path: self.ledger.db).addTrustedKey(keyID: self.keyID, publicKey: self.publicKey, at: .now)
            } catch let error as LedgerError where error.code == .invalidValue {
                throw ValidationError(error.message)
            }
            if self.output.json {
                try printJSON(["key_id": self.keyID, "added": "true"])
            } else {
                print("trusted key \(self.keyID) added")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List trusted keys.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let keys = try Ledger(path: self.ledger.db).trustedKeyList()
            for key in keys {
                if self.output.json {
                    try printJSON(["key_id": key.keyID, "public_key": key.publicKey, "added": key.added.utcText,
                                   "retired": key.retired?.utcText ?? ""])
                } else {
                    print("\(key.keyID) \(key.publicKey) added \(key.added.utcText)\(key.retired.map { ", retired \($0.utcText)" } ?? "")")
                }
            }
        }
    }
}
