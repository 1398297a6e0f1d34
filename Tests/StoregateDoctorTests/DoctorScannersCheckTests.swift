import Foundation
import StoregateDoctor
import StoregateTesting
import Testing

/// The doctor's scanners check on keyboard pass-through: the virtual keyboard needs uinput, which a box often lacks
/// (the module not loaded, the node not writable by the service user), and then scans reach the till no more.
@Suite struct DoctorScannersCheckTests {
    static func config(passThrough: Bool) -> String {
        """
        [[scanner]]
        source = "stdin"
        lane = "1"
        role = "checkout"
        pass_through = \(passThrough)
        """
    }

    @Test func passThroughWithoutUinputFailsAndNamesTheModule() async throws {
        let directory = try TemporaryDirectory(prefix: "storegate-doctor-uinput")
        defer { directory.remove() }
        let finding = try await doctorFinding("scanners", config: Self.config(passThrough: true), uinputPath: directory.file("uinput"))
        #expect(finding.status == .fail, "\(finding)")
        #expect(finding.summary.contains("pass-through of lane 1: \(directory.file("uinput")) does not exist"), "\(finding)")
        #expect(finding.fix?.contains("modprobe uinput") == true, "\(finding)")
    }

    @Test func passThroughWithAWritableUinputIsReady() async throws {
        let directory = try TemporaryDirectory(prefix: "storegate-doctor-uinput")
        defer { directory.remove() }
        let node = directory.file("uinput")
        #expect(FileManager.default.createFile(atPath: node, contents: nil))
        let finding = try await doctorFinding("scanners", config: Self.config(passThrough: true), uinputPath: node)
        #expect(finding.status == .ok, "\(finding)")
        #expect(finding.details.contains("pass-through of lane 1: \(node) writable, the virtual keyboard can be made"), "\(finding)")
    }

    @Test func withoutPassThroughUinputIsNotLookedAt() async throws {
        let finding = try await doctorFinding("scanners", config: Self.config(passThrough: false), uinputPath: "/nonexistent/uinput")
        #expect(finding.status == .ok, "\(finding)")
        #expect(!finding.details.contains { $0.contains("uinput") }, "\(finding)")
    }
}
