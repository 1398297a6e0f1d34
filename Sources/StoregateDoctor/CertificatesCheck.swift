import Foundation
import StoregateAPI
import StoregateDaemon

/// The TLS certificates the gateway presents or trusts (the POS API's, the MQTT client's, a private CA): an expired
/// one stops the tills or the link on the day it expires, so it is a warning a month ahead.
struct CertificatesCheck: DoctorCheck {
    let name = "certificates"
    /// How far ahead an expiry is a warning.
    static let warnAhead: TimeInterval = 30 * 86_400
    /// A file with more certificates is a system trust bundle, renewed by its package, not by the store.
    static let largestChain = 8

    func run(_ context: DoctorContext) -> DoctorFinding {
        let configuration = context.configuration
        let files = [
            ("api.tls_cert_file", configuration.apiTLS?.certificateFile),
            ("mqtt.cert_file", configuration.certificateFile),
            ("mqtt.ca_file", configuration.caFile),
        ].compactMap { key, file in file.map { (key, $0) } }
        if files.isEmpty { return .ok(self.name, "no certificate files configured") }
        let now = Date(timeIntervalSince1970: TimeInterval(context.now) / 1_000)
        let date = ISO8601DateFormatter()
        var expired: [String] = []
        var expiring: [String] = []
        var details: [String] = []
        for (key, file) in files {
            guard let expiry = CertificateExpiry(pemFile: file) else {
                expired.append("\(key) \(file) holds no readable PEM certificate")
                continue
            }
            if expiry.count > Self.largestChain {
                details.append("\(key) \(file): a trust bundle of \(expiry.count) certificates, not checked")
                continue
            }
            details.append("\(key) \(file): valid until \(date.string(from: expiry.earliest))")
            if expiry.earliest <= now {
                expired.append("\(key) \(file) expired on \(date.string(from: expiry.earliest))")
            } else if expiry.earliest.timeIntervalSince(now) < Self.warnAhead {
                expiring.append("\(key) \(file) expires in \(Int(expiry.earliest.timeIntervalSince(now) / 86_400)) day(s)")
            }
        }
        let renew = "put a renewed certificate in the file named, then `systemctl restart storegate`"
        if !expired.isEmpty { return .fail(self.name, expired.joined(separator: "; "), details: details, fix: renew) }
        if !expiring.isEmpty { return .warn(self.name, expiring.joined(separator: "; "), details: details, fix: renew) }
        return .ok(self.name, "\(files.count) file(s), none expiring within 30 days", details: details)
    }
}
