import Foundation
import StoregateTesting

/// GS1's EPCIS 2.0 JSON Schema (docs/schemas/epcis, kept unchanged with its licence), checked by Debian's
/// python3-jsonschema (Draft 7, as the schema declares) with format checking on: `uri` is checked (python3-rfc3987),
/// so an eventID or EPC that is not a URI fails too.
enum EPCISSchema {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/schemas/epcis/EPCIS-JSON-Schema.json").path
    static let python = "/usr/bin/python3"

    /// Throws ``Violation`` with the validator's messages unless `document` is valid.
    static func validate(_ document: Data) throws {
        let directory = try TemporaryDirectory(prefix: "storegate-epcis-schema")
        defer { directory.remove() }
        try document.write(to: URL(fileURLWithPath: directory.file("document.json")))
        try """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft7Validator.check_schema(schema)
            checker = jsonschema.Draft7Validator.FORMAT_CHECKER
            if "uri" not in checker.checkers:
                print("jsonschema cannot check format uri here: install python3-rfc3987", file=sys.stderr)
                sys.exit(3)
            validator = jsonschema.Draft7Validator(schema, format_checker=checker)
            errors = list(validator.iter_errors(json.load(open(sys.argv[2]))))
            for error in errors:
                print("/".join(str(part) for part in error.absolute_path), error.message, file=sys.stderr)
            sys.exit(1 if errors else 0)
            """.write(toFile: directory.file("check.py"), atomically: true, encoding: .utf8)
        let errors = directory.file("errors.txt")
        let process = try ChildProcess(executable: Self.python, arguments: [directory.file("check.py"), Self.file, directory.file("document.json")],
                                       stderrFile: errors)
        let status = process.wait(seconds: 120)
        guard status == 0 else {
            let details = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            if status == 3 { throw ValidatorMissing(details: details) }
            throw Violation(details: details.isEmpty ? "exit \(status.map(String.init) ?? "none")" : details)
        }
    }

    struct Violation: Error, CustomStringConvertible {
        var details: String
        var description: String { "not an EPCIS 2.0 document:\n\(self.details)" }
    }

    struct ValidatorMissing: Error, CustomStringConvertible {
        var details: String
        var description: String { self.details }
    }
}
