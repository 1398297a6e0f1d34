import Glibc
@_spi(Fuzzing) import StoregateContract
import StoregateCore
import StoregateDaemon

// libFuzzer's driver, from libclang_rt.fuzzer_no_main (linked by scripts/fuzz.sh). SwiftPM cannot link
// `-sanitize=fuzzer` on Linux, so the harness calls the driver itself.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// `storegate-fuzz TARGET [libFuzzer options] CORPUS`: which parser the bytes go to.
enum Target: String, CaseIterable {
    case parser, hid, downlink, config, event
}

/// What the targets share, made once (statics: not isolated to the main actor like a top-level value).
enum Fixture {
    static let parser = CodeParser(schemes: [
        BrandScheme(name: "fuzz", hosts: ["q.brand.example"], pathPrefix: "/c/",
                    tokenAlphabet: "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", tokenLength: 6...32),
    ])
    static let signer = DownlinkSigner.generate(keyID: "fuzz")
    /// Holds swift-crypto keys, which are not Sendable; libFuzzer calls the target from one thread.
    nonisolated(unsafe) static let verifier = try! DownlinkVerifier(keys: [signer.keyID: signer.publicKeyText])
    static let address = DownlinkAddress(topic: TopicScheme.storeDownlink(storeID: "S1", kind: "revocations"))!
}

/// Scan bytes: any bytes must give a parse result whose claims hold together.
func fuzzParser(_ bytes: [UInt8]) {
    let code = Fixture.parser.parse(bytes)
    // A valid code has an identity; an invalid one says why. Anything else is a parser bug.
    if code.valid {
        precondition(code.id != nil && code.identityKind != .none, "valid code without identity")
    } else {
        precondition(!code.errors.isEmpty, "invalid code without an error")
        precondition(code.id == nil, "invalid code with an identity")
    }
}

/// A USB device's report descriptor and input reports: byte 0 is the descriptor's length, byte 1 the report size
/// (0 means 8, a keyboard's), then the descriptor, then the reports. The descriptor parses or is refused; a HID POS
/// layout decodes the reports, and so does a keyboard decoder, without trapping, and never yields more scan bytes
/// than the reports carried.
func fuzzHID(_ bytes: [UInt8]) {
    guard bytes.count >= 2 else { return }
    let length = Int(bytes[0]), reportSize = bytes[1] == 0 ? 8 : Int(bytes[1])
    let descriptorBytes = Array(bytes.dropFirst(2).prefix(length))
    let reports = Array(bytes.dropFirst(2 + length))
    var decoders = [ReportScanDecoder.keyboard(layout: .us)]
    if let descriptor = try? HIDReportDescriptor(parsing: descriptorBytes), let hidPOS = try? ReportScanDecoder.hidPOS(descriptor: descriptor) {
        decoders.append(hidPOS)
    }
    let time = Timestamp(milliseconds: 1_780_000_000_000)
    for var decoder in decoders {
        var fed = 0, scanned = 0
        for chunk in stride(from: 0, to: reports.count, by: reportSize).map({ reports[$0..<min($0 + reportSize, reports.count)] }) {
            fed += chunk.count
            scanned += decoder.append(report: chunk, at: time).reduce(0) { $0 + $1.bytes.count }
        }
        scanned += decoder.interrupt(at: Timestamp(milliseconds: time.milliseconds + 1_000)).reduce(0) { $0 + $1.bytes.count }
        precondition(scanned <= fed, "\(scanned) scan bytes out of \(fed) report bytes")
    }
}

/// A downlink message: as it arrives (an envelope that is almost never signed right), and the same bytes as a payload
/// signed with the trusted key, so the content checks behind the signature are reached too. Either it verifies or it
/// is refused with a reason; nothing traps.
func fuzzDownlink(_ bytes: [UInt8]) {
    if case .failure(let failure) = Fixture.verifier.verify(bytes, address: Fixture.address) {
        precondition(!failure.reason.isEmpty, "refused without a reason")
    }
    guard let envelope = try? Fixture.signer.envelope(payload: bytes) else { return }
    switch Fixture.verifier.verify(envelope, address: Fixture.address) {
    case .success((_, let payload)): precondition(payload == bytes, "a verified payload that is not the one signed")
    case .failure(let failure): precondition(failure.problem != .badSignature && !failure.reason.isEmpty, "\(failure)")
    }
}

/// An event as HQ reads it: the fast scanner never accepts what JSONDecoder refuses, nor decodes it differently.
func fuzzEvent(_ bytes: [UInt8]) {
    guard let scanned = EventPayloadScanner.scan(bytes) else { return }
    precondition((try? EventPayload.decodeWithJSONDecoder(bytes)) == scanned, "the scanner and JSONDecoder disagree")
}

/// A config file: it loads, or every problem names its key; nothing traps.
func fuzzConfig(_ bytes: [UInt8]) {
    do {
        _ = try ConfigLoader.parse(String(decoding: bytes, as: UTF8.self))
    } catch {
        precondition(!error.errors.isEmpty, "refused without an error")
    }
}

guard CommandLine.arguments.count > 1, let target = Target(rawValue: CommandLine.arguments[1]) else {
    print("usage: storegate-fuzz \(Target.allCases.map(\.rawValue).joined(separator: "|")) [libFuzzer options] CORPUS")
    exit(2)
}
let fuzz: ([UInt8]) -> Void = switch target {
case .parser: fuzzParser
case .hid: fuzzHID
case .downlink: fuzzDownlink
case .config: fuzzConfig
case .event: fuzzEvent
}
nonisolated(unsafe) let run = fuzz

// libFuzzer reads its own options from argv: hand it the arguments after the target.
var arguments = [CommandLine.arguments[0]] + CommandLine.arguments.dropFirst(2)
var argc = Int32(arguments.count)
var cStrings = arguments.map { strdup($0) } + [nil]
let status = cStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv = buffer.baseAddress!
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
}
exit(status)
