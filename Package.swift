// swift-tools-version: 6.2
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// How the release executable is linked: what a store box runs, kept small in memory (docs/performance.md).
/// - lld with packed relative relocations (DT_RELR, glibc 2.36+): a position-independent executable's 2.3 MB of
///   relocation entries were read at every start and stayed mapped; packed they are ~20 KB.
/// - No dynamic symbol table for the executable's own symbols (the toolchain's static-runtime link exports them
///   all, 1.5 MB that the dynamic loader reads; nothing loads code into storegate that would look them up).
/// - The functions a daemon runs laid out together (scripts/release/order-file.sh writes the list).
let releaseLinkerFlags = [
    "-use-ld=lld",
    "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
    "-Xlinker", "--no-export-dynamic",
    "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/scripts/release/storegate.order",
    "-Xlinker", "--no-warn-symbol-ordering",
]

let package = Package(
    name: "storegate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "storegate", targets: ["storegate"]),
        // For the coverage-guided fuzzer package in Fuzz/ (built separately with sanitizer flags).
        .library(name: "StoregateCore", targets: ["StoregateCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        // The POS API: HTTP on one event-loop thread; swift-configuration support is not needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // Pure domain core: code parsing, decision rules, state machines. No I/O, no C, no Foundation.
        .target(name: "StoregateCore", swiftSettings: strictSettings),
        // HQ signatures over code identities (Ed25519 key ids, key rings, issuing signed codes).
        .target(
            name: "StoregateTrust",
            dependencies: [
                "StoregateCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The durable ledger: code registry, journal, outbox, idempotency keys (GRDB over system SQLite).
        .target(
            name: "StoregateLedger",
            dependencies: [
                "StoregateCore",
                "StoregateTrust",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // libusb-1.0, as the system provides it.
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        // Scan sources: USB HID (libusb), evdev, serial, replay, stdin; all deliver ScanEvents.
        .target(name: "StoregateScanners", dependencies: ["StoregateCore", "CLibUSB"], swiftSettings: strictSettings),
        // libmosquitto, the C MQTT client (system library; shim.h only includes its header).
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        // The HQ link: a thin safe libmosquitto wrapper, the outbox drainer, status/LWT, signed downlink, HQ tail.
        .target(
            name: "StoregateMQTT",
            dependencies: [
                "CMosquitto",
                "StoregateCore",
                "StoregateTrust",
                "StoregateLedger",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The one path of every operation (scanner or POS): signature, disk guard, ledger, link wake-up, counters, the
        // decision stream; and the JSON shapes the CLI and the API share (outcome, status, code history).
        .target(
            name: "StoregateGateway",
            dependencies: ["StoregateCore", "StoregateTrust", "StoregateLedger", "StoregateMQTT"],
            swiftSettings: strictSettings
        ),
        // The local API for the POS: HTTP operations, status, code history, the SSE event stream, Prometheus metrics.
        .target(
            name: "StoregateAPI",
            dependencies: [
                "StoregateCore",
                "StoregateLedger",
                "StoregateMQTT",
                "StoregateGateway",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The daemon: config, the scan → decision pipeline, sd_notify, the ServiceGroup wiring.
        .target(
            name: "StoregateDaemon",
            dependencies: [
                "StoregateCore",
                "StoregateTrust",
                "StoregateLedger",
                "StoregateScanners",
                "StoregateMQTT",
                "StoregateGateway",
                "StoregateAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strictSettings
        ),
        // Builders and fixtures shared by the test targets.
        .target(
            name: "StoregateTesting",
            dependencies: ["StoregateCore", "StoregateTrust", "StoregateLedger"],
            swiftSettings: strictSettings
        ),
        // The one executable: operator CLI now, daemon later.
        .executableTarget(
            name: "storegate",
            dependencies: [
                "StoregateCore",
                "StoregateTrust",
                "StoregateLedger",
                "StoregateScanners",
                "StoregateMQTT",
                "StoregateDaemon",
                "StoregateGateway",
                "StoregateAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings,
            linkerSettings: [.unsafeFlags(releaseLinkerFlags, .when(configuration: .release))]
        ),
        .testTarget(
            name: "StoregateCoreTests",
            dependencies: ["StoregateCore", "StoregateTrust", "StoregateTesting"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateLedgerTests",
            dependencies: ["StoregateCore", "StoregateTrust", "StoregateLedger", "StoregateTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateScannerTests",
            dependencies: ["StoregateCore", "StoregateScanners", "StoregateTesting"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateCLITests",
            dependencies: ["StoregateCore", "StoregateLedger", "StoregateTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateMQTTTests",
            dependencies: [
                "StoregateCore", "StoregateTrust", "StoregateLedger", "StoregateMQTT", "StoregateTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateAPITests",
            dependencies: [
                "StoregateCore", "StoregateTrust", "StoregateLedger", "StoregateMQTT", "StoregateGateway", "StoregateAPI",
                "StoregateTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateDaemonTests",
            dependencies: [
                "StoregateCore", "StoregateTrust", "StoregateLedger", "StoregateMQTT", "StoregateDaemon",
                "StoregateScanners", "StoregateTesting", "StoregateAPI",
            ],
            swiftSettings: strictSettings
        ),
    ]
)
