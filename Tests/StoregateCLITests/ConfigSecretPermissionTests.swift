import Foundation
import StoregateTesting
import Testing

/// A config file that holds the broker password must not be readable by every user of the box: `config check`
/// and the doctor say so (and how to fix it); a file only its group can read, or one without a password, is fine.
struct ConfigSecretPermissionTests {
    func box(password: Bool, mode: mode_t) throws -> DoctorBox {
        let box = try DoctorBox.initialised()
        try box.writeConfig(broker: "mqtt://127.0.0.1:\(try Broker.freePort())",
                            mqtt: password ? "username = \"store-s1\"\npassword = \"s3cret\"" : "")
        #expect(chmod(box.configFile, mode) == 0)
        return box
    }

    @Test func configCheckWarnsWhenEveryoneCanReadThePassword() throws {
        let box = try self.box(password: true, mode: 0o644)
        defer { box.remove() }
        let result = try StoregateCommand.run(["config", "check", box.configFile])
        #expect(result.status == 0, "a warning, not an invalid config: \(result.stderr)")
        #expect(result.stderr.contains("mqtt.password"), "\(result.stderr)")
        #expect(result.stderr.contains("chmod 640"), "\(result.stderr)")
        #expect(!result.stderr.contains("s3cret"), "the warning does not repeat the secret")
    }

    @Test func configCheckIsQuietWhenOnlyTheGroupCanReadThePasswordOrThereIsNone() throws {
        for (password, mode) in [(true, mode_t(0o640)), (false, mode_t(0o644))] {
            let box = try self.box(password: password, mode: mode)
            defer { box.remove() }
            let result = try StoregateCommand.run(["config", "check", box.configFile])
            #expect(result.status == 0)
            #expect(!result.stderr.contains("readable"), "password \(password), mode \(String(mode, radix: 8)): \(result.stderr)")
        }
    }

    @Test func doctorWarnsOnTheConfigCheckWhenEveryoneCanReadThePassword() throws {
        let box = try self.box(password: true, mode: 0o604)
        defer { box.remove() }
        let run = try box.doctor()
        #expect(run["config"].status == "warn")
        #expect(run["config"].summary.contains("mqtt.password"), "\(run["config"].summary)")
        #expect(run["config"].fix?.contains("chmod 640 \(box.configFile)") == true, "\(run["config"].fix ?? "")")

        // Readable by its group only, the file is fine; the password still crosses the network in clear text.
        #expect(chmod(box.configFile, 0o640) == 0)
        let after = try box.doctor()["config"]
        #expect(after.status == "warn")
        #expect(after.summary.contains("plain TCP") && !after.summary.contains("every user"), "\(after.summary)")
        #expect(after.fix?.contains("mqtts://") == true)
    }
}
