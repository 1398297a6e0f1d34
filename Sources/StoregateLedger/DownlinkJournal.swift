import StoregateCore
import StoregateFoundation

/// The `downlink` journal event of an applied HQ message: a reason a person can read and `details` that say
/// exactly what changed (schema `event.v1`, `$defs/downlinkDetails`), so the journal alone tells how the store's
/// codes, policy and keys came to be what they are.
struct DownlinkJournal {
    let stream: String
    let seq: Int64
    let change: DownlinkChange
    let origin: DownlinkOrigin

    var reason: String {
        let what: String
        switch self.change {
        case .revocations(let revocations):
            what = "\(revocations.count) code\(revocations.count == 1 ? "" : "s") revoked"
        case .policy(let policy):
            what = "policy set (\(Self.fields(of: policy).joined(separator: ", ")))"
        case .keys(let keys):
            let counts = [("code keys added", keys.addCodeKeys.count), ("code keys retired", keys.retireCodeKeys.count),
                          ("downlink keys added", keys.addDownlinkKeys.count), ("downlink keys retired", keys.retireDownlinkKeys.count)]
            what = counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
        case .none:
            if let codes = self.origin.codes {
                what = "code batch of \(codes), \(self.origin.codesRegistered ?? 0) new"
            } else if let command = self.origin.command {
                what = "command \(command)" + (self.origin.fromSeq.map { " \($0)–\(self.origin.toSeq ?? $0)" } ?? "")
            } else {
                what = "in contact"
            }
        }
        return "HQ \(self.stream) #\(self.seq) applied: \(what.isEmpty ? "no change" : what)."
    }

    var details: String {
        var writer = JSONObjectWriter()
        writer.add("stream", self.stream)
        writer.add("seq", self.seq)
        writer.add("kind", self.origin.kind)
        writer.add("issued_ms", self.origin.issued.milliseconds)
        writer.add("key_id", self.origin.keyID)
        switch self.change {
        case .none:
            break
        case .revocations(let revocations):
            writer.addObjects("revocations", revocations) { object, revocation in
                object.add("code", revocation.0)
                object.add("reason", revocation.1)
            }
        case .policy(let policy):
            writer.addObject("policy") { object in
                object.add("region", policy.region)
                if let value = policy.allowProvisional { object.add("allow_provisional", value) }
                object.add("undo_window_ms", policy.undoWindowMilliseconds)
                if let value = policy.undoSameLaneOrOperatorOnly { object.add("undo_same_lane_or_operator_only", value) }
                object.add("max_time_without_sync_ms", policy.maxTimeWithoutSyncMilliseconds)
                object.add("return_window_ms", policy.returnWindowMilliseconds)
                if !policy.campaigns.isEmpty {
                    object.addObjects("campaigns", policy.campaigns) { campaign, value in
                        campaign.add("name", value.name)
                        campaign.add("starts_ms", value.starts.milliseconds)
                        campaign.add("ends_ms", value.ends.milliseconds)
                        campaign.add("sold_here_first", value.soldHereFirst)
                    }
                }
            }
        case .keys(let keys):
            for (name, add, retire) in [("code_keys", keys.addCodeKeys, keys.retireCodeKeys),
                                        ("downlink_keys", keys.addDownlinkKeys, keys.retireDownlinkKeys)]
            where !add.isEmpty || !retire.isEmpty {
                let body: (inout JSONObjectWriter) -> Void = { object in
                    object.addObjects("add", add.sorted(by: { $0.key < $1.key })) { key, entry in
                        key.add("key_id", entry.key)
                        key.add("public_key", entry.value)
                    }
                    object.addStrings("retire", retire)
                }
                if name == "code_keys" { writer.addObject("code_keys", body) } else { writer.addObject("downlink_keys", body) }
            }
        }
        writer.add("codes", self.origin.codes.map(Int64.init))
        writer.add("codes_registered", self.origin.codesRegistered.map(Int64.init))
        writer.add("command", self.origin.command)
        writer.add("from_seq", self.origin.fromSeq)
        writer.add("to_seq", self.origin.toSeq)
        return writer.finished()
    }

    private static func fields(of policy: DownlinkChange.Policy) -> [String] {
        var names: [String] = []
        if policy.region != nil { names.append("region") }
        if policy.allowProvisional != nil { names.append("allow_provisional") }
        if policy.undoWindowMilliseconds != nil { names.append("undo_window_ms") }
        if policy.undoSameLaneOrOperatorOnly != nil { names.append("undo_same_lane_or_operator_only") }
        if policy.maxTimeWithoutSyncMilliseconds != nil { names.append("max_time_without_sync_ms") }
        if policy.returnWindowMilliseconds != nil { names.append("return_window_ms") }
        if !policy.campaigns.isEmpty { names.append("campaigns \(policy.campaigns.map(\.name).joined(separator: ", "))") }
        return names
    }
}
