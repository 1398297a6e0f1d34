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
        .executable(name: "storegate-hq", targets: ["storegate-hq"]),
        // For the coverage-guided fuzzer package in Fuzz/ (built separately with sanitizer flags): the code parser
        // and the HID descriptor parser (Core), the downlink verifier (Contract), the config loader (Daemon).
        .library(name: "StoregateCore", targets: ["StoregateCore"]),
        .library(name: "StoregateContract", targets: ["StoregateContract"]),
        .library(name: "StoregateDaemon", targets: ["StoregateDaemon"]),
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
        // HTTPS for the POS API when it listens beyond loopback (BoringSSL; docs/performance.md has its cost).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // storegate-hq's database (never linked into the store's storegate).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // storegate-hq's web console: bcrypt password hashes and server-side mustache templates.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", exact: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
    ],
    targets: [
        // Pure domain core: code parsing, decision rules, state machines. No I/O, no C, no Foundation.
        .target(name: "StoregateCore", swiftSettings: strictSettings),
        // Shared basics above the pure core: the clock, JSON object writing, the disk as the status reports it.
        .target(name: "StoregateFoundation", dependencies: ["StoregateCore"], swiftSettings: strictSettings),
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
            dependencies: ["StoregateFoundation", 
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
        // A thin safe libmosquitto wrapper (MQTT v5, TLS, persistent sessions, its own loop thread). Knows nothing of
        // the ledger: the gateway's link and storegate-hq both use it.
        .target(name: "StoregateMQTTClient", dependencies: ["CMosquitto"], swiftSettings: strictSettings),
        // The MQTT contract between gateways and HQ (docs/mqtt.md): topics, event/status/heartbeat payloads, the signed
        // downlink envelope and its verifier and signer.
        .target(
            name: "StoregateContract",
            dependencies: [
                "StoregateFoundation",
                "StoregateTrust",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // The gateway's HQ link: the outbox drainer, status/LWT and heartbeat, the signed downlink applied to the ledger.
        .target(
            name: "StoregateLink",
            dependencies: [
                "StoregateMQTTClient",
                "StoregateContract",
                "StoregateCore",
                "StoregateFoundation",
                "StoregateTrust",
                "StoregateLedger",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // HQ's reference tools over the contract (`storegate hq tail`'s dedup, gap and double-redemption bookkeeping).
        .target(
            name: "StoregateHQTools",
            dependencies: ["StoregateContract", "StoregateFoundation", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // The one path of every operation (scanner or POS): signature, disk guard, ledger, link wake-up, counters, the
        // decision stream; and the JSON shapes the CLI and the API share (outcome, status, code history).
        .target(
            name: "StoregateGateway",
            dependencies: ["StoregateContract", "StoregateFoundation", "StoregateCore", "StoregateTrust", "StoregateLedger", "StoregateLink"],
            swiftSettings: strictSettings
        ),
        // The local API for the POS: HTTP operations, status, code history, the SSE event stream, Prometheus metrics.
        .target(
            name: "StoregateAPI",
            dependencies: ["StoregateContract", "StoregateFoundation", 
                "StoregateCore",
                "StoregateLedger",
                "StoregateLink",
                "StoregateGateway",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Configuration files: errors that name their key, a TOML reader that reports every bad key at once.
        .target(
            name: "StoregateConfig",
            dependencies: ["StoregateCore", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strictSettings
        ),
        // Journal events as a GS1 EPCIS 2.0 document (docs/epcis.md): used by `storegate export epcis` and
        // `storegate-hq export epcis`, so it depends on neither PostgreSQL nor HQ code.
        .target(
            name: "StoregateEPCIS",
            dependencies: ["StoregateCore", "StoregateContract", "StoregateConfig"],
            swiftSettings: strictSettings
        ),
        // The daemon: config, the scan → decision pipeline, sd_notify, the ServiceGroup wiring.
        .target(
            name: "StoregateDaemon",
            dependencies: ["StoregateConfig", "StoregateMQTTClient", "StoregateContract", "StoregateFoundation",
                "StoregateCore",
                "StoregateLedger",
                "StoregateScanners",
                "StoregateLink",
                "StoregateGateway",
                "StoregateAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strictSettings
        ),
        // storegate-hq: HQ's system of record on PostgreSQL — ingest of every store's events exactly once, gaps
        // healed, chains checked, what only HQ sees (double redemptions, diversion), the signed downlink to the stores.
        .target(
            name: "StoregateHQ",
            dependencies: [
                "StoregateCore",
                "StoregateFoundation",
                "StoregateTrust",
                "StoregateContract",
                "StoregateMQTTClient",
                "StoregateConfig",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strictSettings
        ),
        // storegate-hq's web console (docs/hq.md "Console"): users, sessions, CSRF, rate-limited logins, pages
        // rendered on the server from the rollups, the same data as CSV and JSON under /api.
        .target(
            name: "StoregateHQConsole",
            dependencies: [
                "StoregateHQ",
                "StoregateCore",
                "StoregateFoundation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "storegate-hq",
            dependencies: [
                "StoregateHQ",
                "StoregateHQConsole",
                "StoregateContract",
                "StoregateCore",
                "StoregateFoundation",
                "StoregateEPCIS",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Builders and fixtures shared by the test targets.
        .target(
            name: "StoregateTesting",
            dependencies: ["StoregateCore", "StoregateLedger", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        // `storegate doctor`'s checks (config, ledger read-only, disk, broker, daemon, backlog, sync, scanners, service),
        // a library so that they are tested without running the binary.
        .target(
            name: "StoregateDoctor",
            dependencies: [
                "StoregateConfig", "StoregateCore", "StoregateFoundation", "StoregateContract", "StoregateLedger",
                "StoregateMQTTClient", "StoregateScanners", "StoregateGateway", "StoregateAPI", "StoregateDaemon",
            ],
            swiftSettings: strictSettings
        ),
        // The one executable: operator CLI now, daemon later.
        .executableTarget(
            name: "storegate",
            dependencies: ["StoregateConfig", "StoregateMQTTClient", "StoregateContract", "StoregateFoundation", "StoregateHQTools", 
                "StoregateCore",
                "StoregateTrust",
                "StoregateLedger",
                "StoregateScanners",
                "StoregateLink",
                "StoregateDaemon",
                "StoregateGateway",
                "StoregateAPI",
                "StoregateDoctor",
                "StoregateEPCIS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
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
            dependencies: [
                "StoregateFoundation", "StoregateCore", "StoregateTrust", "StoregateLedger", "StoregateTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
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
            name: "StoregateDoctorTests",
            dependencies: ["StoregateCore", "StoregateDoctor", "StoregateDaemon", "StoregateLedger", "StoregateTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateLinkTests",
            dependencies: ["StoregateMQTTClient", "StoregateContract", "StoregateFoundation",
                "StoregateCore", "StoregateLedger", "StoregateLink", "StoregateHQTools", "StoregateTesting", "StoregateTrust",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateAPITests",
            dependencies: [
                "StoregateContract", "StoregateCore", "StoregateFoundation", "StoregateLedger", "StoregateLink", "StoregateGateway", "StoregateAPI",
                "StoregateTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateHQTests",
            dependencies: [
                "StoregateHQ", "StoregateHQConsole", "StoregateConfig", "StoregateContract", "StoregateCore", "StoregateFoundation", "StoregateTrust",
                "StoregateMQTTClient", "StoregateLedger", "StoregateTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The browser test's selenium script, run with /usr/bin/python3 by ConsoleBrowserTests.
            exclude: ["Browser"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateEPCISTests",
            dependencies: ["StoregateConfig", "StoregateContract", "StoregateCore", "StoregateDaemon", "StoregateEPCIS", "StoregateLedger",
                           "StoregateTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoregateDaemonTests",
            dependencies: ["StoregateConfig", "StoregateMQTTClient", "StoregateContract", "StoregateFoundation",
                "StoregateCore", "StoregateLedger", "StoregateLink", "StoregateDaemon", "StoregateTesting", "StoregateAPI",
            ],
            swiftSettings: strictSettings
        ),
    ]
)
