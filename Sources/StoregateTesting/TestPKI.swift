import Foundation

/// A certificate authority of a test's own and the certificates it signs, made with the openssl CLI (`openssl ca`,
/// which can also back-date a certificate that has expired) in a temporary directory that mosquitto, running as its
/// own user, can read.
public struct TestPKI: Sendable {
    public let directory: TemporaryDirectory

    /// How long a certificate is valid: from now for some days, or between two UTC times (`YYYYMMDDHHMMSSZ`).
    public enum Validity: Sendable {
        case days(Int)
        case between(start: String, end: String)
    }

    /// A new CA, `ca.pem` / `ca.key`; `name` tells two CAs of one test apart.
    public init(name: String = "storegate test CA") throws {
        self.directory = try TemporaryDirectory(prefix: "storegate-pki")
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=\(name)",
                          "-keyout", self.file("ca.key"), "-out", self.file("ca.pem")], in: self.directory)
        try FileManager.default.createDirectory(atPath: self.file("issued"), withIntermediateDirectories: true)
        try "".write(toFile: self.file("index.txt"), atomically: true, encoding: .utf8)
        try "unique_subject = no\n".write(toFile: self.file("index.txt.attr"), atomically: true, encoding: .utf8)
        try "1000\n".write(toFile: self.file("serial"), atomically: true, encoding: .utf8)
        try """
            [ca]
            default_ca = test
            [test]
            database = \(self.file("index.txt"))
            new_certs_dir = \(self.file("issued"))
            serial = \(self.file("serial"))
            default_md = sha256
            policy = anything
            [anything]
            commonName = supplied
            """.write(toFile: self.file("ca.cnf"), atomically: true, encoding: .utf8)
        try self.makeReadable("ca.pem")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: self.directory.path)
    }

    public func file(_ name: String) -> String { self.directory.file(name) }

    /// Issues `name.pem` and `name.key`, signed by this CA. `server`: with the subject alternative names of
    /// 127.0.0.1 and localhost, as a client checks them.
    public func issue(_ name: String, commonName: String, server: Bool, validity: Validity = .days(2)) throws {
        try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(commonName)",
                          "-keyout", self.file("\(name).key"), "-out", self.file("\(name).csr")], in: self.directory)
        var arguments = ["ca", "-batch", "-notext", "-config", self.file("ca.cnf"), "-cert", self.file("ca.pem"),
                         "-keyfile", self.file("ca.key"), "-in", self.file("\(name).csr"), "-out", self.file("\(name).pem")]
        switch validity {
        case .days(let days): arguments += ["-days", String(days)]
        case .between(let start, let end): arguments += ["-startdate", start, "-enddate", end]
        }
        if server {
            try "[server]\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: self.file("server.ext"), atomically: true, encoding: .utf8)
            arguments += ["-extfile", self.file("server.ext"), "-extensions", "server"]
        }
        try Self.openssl(arguments, in: self.directory)
        // mosquitto reads its certificate and key as the `mosquitto` user.
        try self.makeReadable("\(name).pem")
        try self.makeReadable("\(name).key")
    }

    public func remove() { self.directory.remove() }

    private func makeReadable(_ name: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: self.file(name))
    }

    private static func openssl(_ arguments: [String], in directory: TemporaryDirectory) throws {
        let log = directory.file("openssl.log")
        let process = try ChildProcess(executable: "openssl", arguments: arguments, stderrFile: log)
        guard process.wait(seconds: 60) == 0 else {
            throw ChildProcess.SpawnError(message: "openssl \(arguments.prefix(2).joined(separator: " ")) failed: "
                + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
        }
    }
}
