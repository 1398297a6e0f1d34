// swift-tools-version: 6.2
// Coverage-guided fuzzing of storegate's parsers with libFuzzer. A package of its own because the
// harness only links with sanitizer flags and the fuzzer runtime: `scripts/fuzz.sh` builds and runs it.
import PackageDescription

let package = Package(
    name: "storegate-fuzz",
    dependencies: [.package(name: "storegate", path: "..")],
    targets: [
        .executableTarget(
            name: "storegate-fuzz",
            dependencies: [
                .product(name: "StoregateCore", package: "storegate"),
                .product(name: "StoregateContract", package: "storegate"),
                .product(name: "StoregateDaemon", package: "storegate"),
            ]
        ),
    ]
)
