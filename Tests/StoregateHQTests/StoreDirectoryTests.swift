import Foundation
import StoregateHQ
import StoregateTesting
import Testing

/// `storegate-hq stores import`: the CSV as spreadsheets write it, every bad row named by its line, nothing imported
/// when one is bad.
@Suite struct StoreDirectoryTests {
    static let header = StoreDirectory.columns.joined(separator: ",")

    @Test func rowsAsSpreadsheetsWriteThem() throws {
        let text = "\u{FEFF}" + Self.header + "\r\n"
            + "S-1,\"Store, the first\",CN-31,Shanghai,Shanghai,Xuhui,,D1,Asia/Shanghai\r\n"
            + "S-2,\"Say \"\"hi\"\"\",CN-11,北京,北京,朝阳,,D2,\r\n\r\n"
        let stores = try StoreDirectory.parse(text)
        #expect(stores.map(\.values) == [
            ["S-1", "Store, the first", "CN-31", "Shanghai", "Shanghai", "Xuhui", "", "D1", "Asia/Shanghai"],
            ["S-2", "Say \"hi\"", "CN-11", "北京", "北京", "朝阳", "", "D2", "Asia/Shanghai"],
        ])
    }

    @Test func everyBadRowIsNamedByItsLine() {
        let text = Self.header + "\n"
            + "S-1,One,CN-31,,,,,D1,Asia/Shanghai\n"
            + "S/2,Two,CN-31,,,,,D1,\n"
            + "S-1,Again,CN-31,,,,,D1,\n"
            + "S-4,Four,CN-31,,,,,D1,Mars/Olympus\n"
            + "S-5,Five\n"
        do {
            _ = try StoreDirectory.parse(text)
            Issue.record("bad rows were accepted")
        } catch {
            #expect(error.description.split(separator: "\n") == [
                "line 3: store_id \"S/2\" cannot be an MQTT topic level (1–128 bytes, no / + #)",
                "line 4: store_id S-1 appears twice",
                "line 5: time_zone Mars/Olympus is not an IANA time zone (e.g. Asia/Shanghai)",
                "line 6: 2 fields, expected 9",
            ])
        }
        #expect(throws: HQError.self) { try StoreDirectory.parse("") }
        #expect(throws: HQError.self) { try StoreDirectory.parse("id,name\nS-1,One\n") }
    }

    /// A spreadsheet saved as plain "CSV" on a Chinese Windows is GBK: the command says so and imports nothing.
    @Test func aFileThatIsNotUTF8IsRefusedWithWhatToDo() throws {
        let directory = try TemporaryDirectory(prefix: "storegate-stores")
        defer { directory.remove() }
        let file = directory.file("stores.csv")
        // "上海" in GBK.
        try Data(Array((Self.header + "\nS-1,").utf8) + [0xC9, 0xCF, 0xBA, 0xA3] + Array(",CN-31,,,,,D1,\n".utf8))
            .write(to: URL(fileURLWithPath: file))
        let errors = directory.file("stderr")
        // The defaults: the file is refused before any database is needed.
        try "".write(toFile: directory.file("hq.toml"), atomically: true, encoding: .utf8)
        let process = try ChildProcess(executable: try StoregateBinary.path(named: "storegate-hq"),
                                       arguments: ["stores", "import", file, "--config", directory.file("hq.toml")],
                                       stdoutFile: directory.file("stdout"), stderrFile: errors)
        #expect(process.wait(seconds: 60) == 2)
        let said = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(said.contains("is not UTF-8 text (saved as GBK/ANSI?): save it as \"CSV UTF-8\""), "\(said)")
    }
}
