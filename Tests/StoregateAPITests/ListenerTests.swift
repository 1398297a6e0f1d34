import Foundation
import StoregateAPI
import StoregateLedger
import StoregateTesting
import Testing

/// How the API's listener treats connections: HTTPS with the configured certificate (what lets it listen beyond
/// loopback), a cap on open connections, idle connections closed. Real sockets, a real TLS client (Python's `ssl`,
/// verifying the chain and the name as a till does), certificates made by openssl.
@Suite struct ListenerTests {
    /// GET over HTTPS to 127.0.0.1, trusting only `caFile`: the answer, or the TLS error's reason.
    struct HTTPSReply: Decodable {
        var status: Int?
        var body: String?
        var tlsError: String?

        enum CodingKeys: String, CodingKey { case status, body, tlsError = "tls_error" }
    }

    static func httpsGet(port: Int, _ path: String, token: String?, trusting caFile: String) async throws -> HTTPSReply {
        let directory = try TemporaryDirectory(prefix: "storegate-https-client")
        defer { directory.remove() }
        try """
            import http.client, json, ssl, sys
            port, path, cafile, token = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            context = ssl.create_default_context(cafile=cafile)
            try:
                connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=20)
                connection.request("GET", path, headers={"Authorization": "Bearer " + token} if token else {})
                answer = connection.getresponse()
                print(json.dumps({"status": answer.status, "body": answer.read().decode()}))
            except ssl.SSLError as error:
                print(json.dumps({"tls_error": error.reason or str(error)}))
            """.write(toFile: directory.file("get.py"), atomically: true, encoding: .utf8)
        let process = try ChildProcess(executable: "python3", arguments: [directory.file("get.py"), String(port), path, caFile, token ?? ""],
                                       stdoutFile: directory.file("out.json"), stderrFile: directory.file("err.txt"))
        let exitCode = try await offThePool { process.wait(seconds: 60) }
        guard exitCode == 0 else {
            throw ChildProcess.SpawnError(message: "https client failed: " + ((try? String(contentsOfFile: directory.file("err.txt"), encoding: .utf8)) ?? ""))
        }
        return try JSONDecoder().decode(HTTPSReply.self, from: Data(contentsOf: URL(fileURLWithPath: directory.file("out.json"))))
    }

    @Test func beyondLoopbackItSpeaksOnlyHTTPSWithItsCertificateAndTokensStillDecide() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.issue("api", commonName: "store-gateway", server: true)
        let otherCA = try TestPKI(name: "someone else's CA")
        defer { otherCA.remove() }
        let files = APITLSFiles(certificateFile: pki.file("api.pem"), keyFile: pki.file("api.key"))
        #expect(files.problem() == nil)

        try await APIHarness.with(auth: .tokens, configure: {
            $0.address = APIAddress(host: "0.0.0.0", port: 0)
            $0.tls = files
        }) { api in
            let token = try api.token(till: "T1", scopes: [.read])
            let status = try await Self.httpsGet(port: api.port, "/v1/status", token: token, trusting: pki.file("ca.pem"))
            #expect(status.status == 200)
            #expect(status.body?.contains(try api.fixture.ledger.gatewayID()) == true)

            let anonymous = try await Self.httpsGet(port: api.port, "/v1/status", token: nil, trusting: pki.file("ca.pem"))
            #expect(anonymous.status == 401)

            // A till that does not trust the store's CA does not send its token to this server at all.
            let stranger = try await Self.httpsGet(port: api.port, "/v1/status", token: token, trusting: otherCA.file("ca.pem"))
            #expect(stranger.status == nil)
            #expect(stranger.tlsError == "CERTIFICATE_VERIFY_FAILED")

            // Plain HTTP on the TLS port gets no HTTP answer.
            let plain = try? await HTTPTestClient.request(port: api.port, "GET", "/v1/status", headers: ["Authorization": "Bearer \(token)"])
            #expect(plain == nil || plain?.status != 200)
        }
    }

    @Test func theCertificateFilesAreCheckedBeforeTheyAreUsed() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        try pki.issue("api", commonName: "store-gateway", server: true)
        try pki.issue("other", commonName: "another", server: true)
        let mismatched = APITLSFiles(certificateFile: pki.file("api.pem"), keyFile: pki.file("other.key"))
        #expect(mismatched.problem()?.key == "api.tls_key_file")
        #expect(mismatched.problem()?.problem.contains("is not the private key of the certificate") == true)
        let notACertificate = APITLSFiles(certificateFile: pki.file("api.key"), keyFile: pki.file("api.key"))
        #expect(notACertificate.problem()?.key == "api.tls_cert_file")
        let missing = APITLSFiles(certificateFile: pki.file("api.pem"), keyFile: pki.file("nothing.key"))
        #expect(missing.problem()?.key == "api.tls_key_file")

        var plain = APIConfiguration(address: APIAddress(host: "0.0.0.0", port: 8790), auth: .tokens)
        #expect(plain.listenProblem?.key == "api.listen")
        plain.tls = APITLSFiles(certificateFile: pki.file("api.pem"), keyFile: pki.file("api.key"))
        #expect(plain.listenProblem == nil)
        plain.auth = .unauthenticated
        #expect(plain.listenProblem?.key == "api.auth")
    }

    @Test func aConnectionBeyondTheCapGets503AndAFreedPlaceIsUsedAgain() async throws {
        try await APIHarness.with(configure: { $0.maxConnections = 2 }) { api in
            // Two tills hold keep-alive connections, each having had an answer (so both are being served).
            var held: [LoopbackSocket] = []
            for _ in 0..<2 {
                let socket = try LoopbackSocket(port: api.port)
                try socket.send(Array("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
                #expect(String(decoding: try await offThePool { socket.receive() }, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
                held.append(socket)
            }
            let refused = try await HTTPTestClient.request(port: api.port, "GET", "/v1/status")
            #expect(refused.status == 503)
            #expect(refused.errorCode == "too_many_connections")

            held.removeLast().shutdown()
            // The server sees the close on its next read: the place is free within moments.
            var freed = false
            for _ in 0..<50 where !freed {
                freed = (try? await HTTPTestClient.request(port: api.port, "GET", "/v1/status"))?.status == 200
                if !freed { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(freed)
            // The connection still held was not disturbed.
            try held[0].send(Array("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            let kept = held[0]
            #expect(String(decoding: try await offThePool { kept.receive() }, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func anIdleConnectionIsClosedButAnEventStreamIsNot() async throws {
        try await APIHarness.with(keepAlive: .milliseconds(500), configure: { $0.idleTimeout = .seconds(1) }) { api in
            let stream = try EventStreamClient(port: api.port)
            defer { stream.close() }
            let silent = try LoopbackSocket(port: api.port, timeoutSeconds: 20)
            let started = ContinuousClock.now
            // The server closes it: an empty read long before the socket's own 20 s receive timeout.
            #expect(try await offThePool { silent.receive() }.isEmpty)
            #expect(ContinuousClock.now - started < .seconds(10))

            try await Task.sleep(for: .seconds(2))
            #expect(!stream.ended)
            _ = try await api.post("verify", #"{"scan":"\#(APIHarness.codes[0])","lane":"1"}"#)
            try await waitUntil("the decision on the stream", seconds: 10) { !stream.decisions.isEmpty }
        }
    }
}
