import ArgumentParser
import Foundation
import StoregateContract
import UnixSignals
import StoregateCore
import StoregateScanners
import Synchronization

/// `storegate listen`: print scans from one or more devices as they arrive, parsed.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Read scanners and print each scan as it arrives, parsed. Stop with Ctrl+C.",
        discussion: """
            DEVICE is a source spec: usb:VID:PID, usb:serial=…, usb:port=1-1.2, evdev:/dev/input/eventN, \
            serial:/dev/ttyACM0, replay:FILE or stdin, followed by options ,lane=…,role=…,layout=…,suffix=…,timeout=MS.
            Scans cut short (unplug, pause before the suffix) are printed as INCOMPLETE and are never accepted.
            Device events (how a USB device is found again: hot-plug events or rescanning; opened, gone, hot-plug \
            arrivals, permission problems with the fix) go to standard error.
            Examples:
              storegate listen --device usb:0c2e:0b61,lane=1,layout=de
              storegate listen --device usb:0c2e:0b87,lane=1 --device serial:/dev/ttyACM0,lane=2 --json
            """
    )

    @Option(name: .customLong("device"), help: "A scan source (repeatable); default: stdin.")
    var devices: [String] = []

    @Option(help: "Lane for devices whose spec names none.")
    var lane: String = "default"

    @Option(help: "Role for devices whose spec names none: \(LaneRole.names).")
    var role: String = LaneRole.checkout.rawValue

    @Option(help: "Keyboard layout for devices whose spec names none.")
    var layout: String = "us"

    @Option(help: "Exit after this many scans (complete or not).")
    var count: Int?

    @Option(help: "Exit after this many seconds.")
    var seconds: Double?

    @Flag(help: "Add the CLOCK_MONOTONIC time each scan was printed (mono=…), for latency measurements.")
    var timing = false

    @OptionGroup var output: OutputOptions
    @OptionGroup var codeOptions: CodeParserOptions

    func validate() throws {
        do { _ = try LaneRole(named: self.role) } catch { throw ValidationError("--role \(error)") }
        guard KeyboardLayout.named(self.layout) != nil else { throw ValidationError("--layout \(self.layout): not a layout") }
        _ = try self.specs()
    }

    private func specs() throws -> [ScanSourceSpec] {
        let defaults = LaneAssignment(lane: self.lane, role: LaneRole(rawValue: self.role) ?? .checkout,
                                      layout: KeyboardLayout.named(self.layout) ?? .us)
        let texts = self.devices.isEmpty ? ["stdin"] : self.devices
        do {
            return try texts.map { text in
                var spec = try ScanSourceSpec(parsing: text, defaults: defaults)
                if spec.assignment == nil { spec.assignment = defaults }
                return spec
            }
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func run() async throws {
        let parser = try self.codeOptions.makeParser()
        let sources = try self.specs().map { spec in
            try ScanSources.make(spec) { status in printError("status \(status)") }
        }
        let printer = ScanPrinter(parser: parser, json: self.output.json, timing: self.timing, limit: self.count)
        // Sources return false when they end, the timer and SIGINT/SIGTERM true; the first of: time up, a signal,
        // --count reached, every source ended (replay, stdin) stops the listen. USB, evdev and serial sources never end by themselves.
        await withTaskGroup(of: Bool.self) { group in
            for source in sources {
                group.addTask {
                    do {
                        try await source.run { event in
                            if printer.print(event) { throw CancellationError() }
                        }
                    } catch is CancellationError {
                    } catch {
                        printError("\(source.name): \(error)")
                    }
                    return false
                }
            }
            // SIGINT/SIGTERM stop the listen cleanly: libusb releases the interfaces and the kernel driver is
            // reattached (a killed process leaves the scanner without a driver until replugged).
            let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
            group.addTask {
                for await _ in signals { return true }
                return true
            }
            if let seconds = self.seconds {
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                    return true
                }
            }
            var running = sources.count
            while let isTimer = await group.next() {
                running -= isTimer ? 0 : 1
                if isTimer || printer.isDone || running == 0 { break }
            }
            group.cancelAll()
        }
    }
}

/// Prints scans from several source tasks, one whole line at a time, and counts them against `--count`.
final class ScanPrinter: Sendable {
    private let parser: CodeParser
    private let json: Bool
    private let timing: Bool
    private let limit: Int?
    private let printed = Mutex(0)

    init(parser: CodeParser, json: Bool, timing: Bool, limit: Int?) {
        self.parser = parser
        self.json = json
        self.timing = timing
        self.limit = limit
    }

    var isDone: Bool { self.printed.withLock { count in self.limit.map { count >= $0 } ?? false } }

    /// Prints one scan; returns true when `--count` is reached.
    func print(_ event: ScanEvent) -> Bool {
        let mono = Double(SourceClock.monotonicNanoseconds()) / 1e9
        let code = event.complete ? self.parser.parse(event.bytes) : nil
        let line: String
        if self.json {
            line = (try? ListenScanJSON(event: event, code: code, mono: self.timing ? mono : nil).encoded()) ?? "{}"
        } else {
            var text = "scan lane=\(event.lane) complete=\(event.complete) symbology=\(event.symbology?.identifier ?? "-")"
            if self.timing { text += " mono=" + String(format: "%.6f", mono) }
            text += " device=\(event.device) text=\(ScanLineFormat.escape(event.bytes))"
            if let code {
                text += "\n  " + (code.valid ? "valid" : "INVALID") + " \(code.kind.rawValue)" + (code.id.map { " id=\($0)" } ?? "")
                    + code.errors.map { " \($0.code)" }.joined()
            } else {
                text += "\n  not accepted: the scan was cut short"
            }
            line = text
        }
        return self.printed.withLock { count in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            count += 1
            return self.limit.map { count >= $0 } ?? false
        }
    }
}

/// `storegate listen --json`: one object per scan.
struct ListenScanJSON: Encodable {
    let lane: String
    let role: String
    let device: String
    let complete: Bool
    let text: String
    let symbology: String?
    let first_ms: Int64
    let last_ms: Int64
    let mono: Double?
    let valid: Bool?
    let id: String?
    let errors: [String]

    init(event: ScanEvent, code: ParsedCode?, mono: Double?) {
        self.lane = event.lane
        self.role = event.role.rawValue
        self.device = event.device
        self.complete = event.complete
        self.text = String(decoding: event.bytes, as: UTF8.self)
        self.symbology = event.symbology?.identifier
        self.first_ms = event.firstReport.milliseconds
        self.last_ms = event.lastReport.milliseconds
        self.mono = mono
        self.valid = code?.valid
        self.id = code?.id
        self.errors = code?.errors.map(\.code) ?? []
    }

    func encoded() throws -> String {
        String(decoding: try HQJSON.encode(self), as: UTF8.self)
    }
}
