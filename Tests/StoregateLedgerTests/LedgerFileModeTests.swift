import Foundation
import StoregateLedger
import StoregateTesting
import Testing

/// Redemptions are money and the journal names lanes and operators: the ledger, its WAL and shared-memory files
/// and the daemon's status file are readable by the storegate group, never by every user of the box — whatever
/// the umask of whoever created them (`storegate ledger init` runs from a technician's shell).
@Suite(.serialized)
struct LedgerFileModeTests {
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    @Test func aNewLedgerAndItsWALAndSharedMemoryFilesAre0640() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let fixture = try LedgerFixture()
        defer { fixture.remove() }
        try fixture.register(ids: ["01/09506000134352/21/M1"])
        for file in [fixture.path, fixture.path + "-wal", fixture.path + "-shm"] {
            #expect(Self.mode(file) == 0o640, "\(file): \(Self.mode(file).map { String($0, radix: 8) } ?? "missing")")
        }
    }

    @Test func anExistingWorldReadableLedgerIsClosedToOthersWhenOpened() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let directory = try TemporaryDirectory(prefix: "storegate-mode")
        defer { directory.remove() }
        let path = directory.file("ledger.sqlite")
        try Ledger(path: path, configuration: LedgerConfiguration(createIfMissing: true)).close()
        #expect(chmod(path, 0o644) == 0)
        let ledger = try Ledger(path: path)
        try ledger.initialise(storeID: "S1", region: "EU-DE")
        #expect(Self.mode(path) == 0o640)
        #expect(Self.mode(path + "-wal") == 0o640)
    }

    @Test func theStatusFileIsWritten0640AndReplacedAtomically() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let directory = try TemporaryDirectory(prefix: "storegate-mode")
        defer { directory.remove() }
        let file = directory.file("ledger.sqlite.status.json")
        try GroupReadableFile.write(Array("{\"state\":\"online\"}".utf8), to: file)
        #expect(Self.mode(file) == 0o640)
        try GroupReadableFile.write(Array("{\"state\":\"offline\"}".utf8), to: file)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "{\"state\":\"offline\"}")
        #expect(Self.mode(file) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["ledger.sqlite.status.json"],
                "no temporary file left behind")
    }
}
