public import Foundation
import NIOSSL

/// `api.tls_cert_file` and `api.tls_key_file`: the POS API over HTTPS, which it needs to listen beyond loopback
/// (a bearer token sent in clear on the shop's LAN could be read and replayed by any device on it).
public struct APITLSFiles: Sendable, Equatable {
    /// PEM: the server certificate first, then any intermediates.
    public var certificateFile: String
    /// PEM private key of the first certificate.
    public var keyFile: String

    public init(certificateFile: String, keyFile: String) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// Why these files cannot serve TLS (the config key and the problem), nil when they can. Read at start and by
    /// `doctor`, so a wrong file is named before a till finds out by a failed handshake.
    public func problem() -> (key: String, problem: String)? {
        do {
            _ = try self.serverConfiguration()
            return nil
        } catch {
            return (error.key, error.problem)
        }
    }

    /// TLS 1.2 or newer with the certificate chain and its key; the key must belong to the first certificate. An expired
    /// certificate is not refused here (it expires while the gateway runs just the same): `doctor` warns ahead of time.
    func serverConfiguration() throws(APITLSError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(self.certificateFile) } catch {
            throw APITLSError(key: "api.tls_cert_file", problem: "\(self.certificateFile) is not a readable PEM certificate (\(error))")
        }
        guard !chain.isEmpty else {
            throw APITLSError(key: "api.tls_cert_file", problem: "\(self.certificateFile) holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: self.keyFile, format: .pem) } catch {
            throw APITLSError(key: "api.tls_key_file", problem: "\(self.keyFile) is not a readable PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // BoringSSL checks the key against the first certificate when the context is made.
        do { _ = try NIOSSLContext(configuration: configuration) } catch {
            throw APITLSError(key: "api.tls_key_file",
                              problem: "\(self.keyFile) is not the private key of the certificate in \(self.certificateFile) (\(error))")
        }
        return configuration
    }
}

struct APITLSError: Error {
    var key: String
    var problem: String
}

/// When the certificates of a PEM file expire, for `doctor` (the API's, the MQTT client's, a private CA).
public struct CertificateExpiry: Sendable {
    /// How many certificates the file holds.
    public var count: Int
    /// The earliest `notAfter` among them: a chain stops working when its first certificate expires.
    public var earliest: Date

    /// nil when `file` holds no readable PEM certificate.
    public init?(pemFile file: String) {
        guard let certificates = try? NIOSSLCertificate.fromPEMFile(file),
              let earliest = certificates.map(\.notValidAfter).min() else { return nil }
        self.count = certificates.count
        self.earliest = Date(timeIntervalSince1970: TimeInterval(earliest))
    }
}
