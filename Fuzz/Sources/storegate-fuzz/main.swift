import Glibc
import StoregateCore

// libFuzzer's driver, from libclang_rt.fuzzer_no_main (linked by scripts/fuzz.sh). SwiftPM cannot link
// `-sanitize=fuzzer` on Linux, so the harness calls the driver itself.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

let parser = CodeParser(schemes: [
    BrandScheme(name: "fuzz", hosts: ["q.brand.example"], pathPrefix: "/c/",
                tokenAlphabet: "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", tokenLength: 6...32),
])

/// One input: any bytes must give a parse result whose claims hold together.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let code = parser.parse(bytes)
    // A valid code has an identity; an invalid one says why. Anything else is a parser bug.
    if code.valid {
        precondition(code.id != nil && code.identityKind != .none, "valid code without identity")
    } else {
        precondition(!code.errors.isEmpty, "invalid code without an error")
        precondition(code.id == nil, "invalid code with an identity")
    }
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOne(data, size) }
exit(status)
