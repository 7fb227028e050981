// swift-tools-version: 6.0
//
// reportd: a compressed, full-text-indexed in-memory report store served over a
// Unix-domain socket. Layers (dependencies point down only):
//
//   reportd, reportctl, reportbench        executables: arguments, wiring, exit codes
//   ReportServer      ReportClient         NIO server / blocking socket client
//   ReportEngine                           the served corpus: writes in log order, snapshots, recovery
//   ReportStore       ReportProtocol       corpus+index (no NIO) / wire codec (NIOCore)
//   ReportDurability                       write-ahead log, snapshot files, import ledger, recovery (no NIO)
//   ReportIndex       ReportChecksum       tokenizer, postings, queries / one CRC-32 for texts and files
//                     CZlib, CIsal         system zlib (deflate) / system ISA-L (inflate, CRC-32)
//                     CEditLine            system libedit (reportctl shell)
//   ServiceSupport                         sd_notify, socket activation, peer credentials, config
//
// swift-nio-extras is deliberately not a dependency: its LengthFieldBasedFrameDecoder
// wants the length field first and has no maximum; our 12-byte header carries magic,
// version and request id ahead of the length, and we must reject an oversized length
// before buffering, so the decoder is ours (see protocol/PROTOCOL.md §3).
import PackageDescription

let package = Package(
    name: "reportd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "reportd", targets: ["reportd"]),
        .executable(name: "reportctl", targets: ["reportctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Both already in the graph through swift-nio; declared for ReportStore's corpus versions.
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The system's libedit (BSD editline, Debian libedit-dev) for `reportctl shell`: line
        // editing and history as sqlite3 and redis-cli give them, with no package dependency —
        // it is a stable C library every distribution ships (GNU readline would make the binary
        // GPL), installed by scripts/ensure-deps.sh like zlib1g-dev.
        // The system's ISA-L (Debian libisal-dev) decodes the units zlib writes: raw deflate
        // with a preset dictionary, at twice zlib's inflate speed on the dev corpus (260 -> 520 MB/s
        // with the CRC check: docs/BENCHMARKS.md), and its CRC-32 is zlib's
        // polynomial computed with carry-less multiplies. Inflate is three quarters of an MGET's
        // CPU, so it earns its place; compression stays zlib's, the format does not change, and
        // clients of RAW units inflate them with zlib as PROTOCOL.md says.
        .systemLibrary(
            name: "CIsal",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(name: "ReportIndex"),
        // One CRC-32 (zlib's polynomial, ISA-L's code) shared by the store (report texts) and the
        // durability layer (records, sections), so neither depends on the other for it.
        .target(name: "ReportChecksum", dependencies: ["CIsal"]),
        // ReportStore publishes its state as immutable versions through one atomic strong
        // reference: swift-atomics' ManagedAtomic (the standard library's Atomic cannot hold a
        // class reference safely); the id table is swift-collections' TreeDictionary, a
        // persistent hash trie, so each published version shares all but one path with the last.
        .target(
            name: "ReportStore",
            dependencies: [
                "CZlib", "CIsal", "ReportChecksum", "ReportIndex",
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ]
        ),
        .target(name: "ReportProtocol", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "ServiceSupport"),
        .target(name: "ReportDurability", dependencies: ["ReportChecksum"]),
        .target(
            name: "ReportEngine",
            dependencies: ["ReportStore", "ReportIndex", "ReportDurability", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "ReportServer",
            dependencies: [
                // The corpus only through ReportEngine (CorpusReader for reads, ServedCorpus for writes).
                "ReportEngine", "ReportProtocol", "ServiceSupport",
                // The write policy a reload swaps (WriteAccess), published like ReportStore's versions.
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ReportClient",
            dependencies: ["ReportProtocol", "ServiceSupport", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .executableTarget(
            name: "reportd",
            dependencies: [
                "ReportServer", "ReportEngine", "ReportStore", "ReportDurability", "ServiceSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "reportctl",
            dependencies: [
                "ReportClient", "ReportProtocol", "ServiceSupport", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "reportbench",
            dependencies: [
                "ReportClient", "ReportProtocol", "ReportStore", "ReportIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ReportIndexTests", dependencies: ["ReportIndex"]),
        // CZlib: the CRC-32 and inflate tests check ISA-L against zlib itself; CIsal: they read the
        // vector state ISA-L leaves.
        .testTarget(name: "ReportStoreTests", dependencies: ["ReportStore", "ReportChecksum", "CZlib", "CIsal"]),
        .testTarget(
            name: "ReportProtocolTests",
            dependencies: [
                "ReportProtocol",
                "ReportChecksum",  // the examples' dictionary id is the CRC-32 of its bytes
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ServiceSupportTests", dependencies: ["ServiceSupport"]),
        .testTarget(name: "ReportDurabilityTests", dependencies: ["ReportDurability", "ReportChecksum"]),
        .testTarget(name: "ReportEngineTests", dependencies: ["ReportEngine", "ReportStore", "ReportDurability"]),
        .testTarget(
            name: "ReportServerTests",
            dependencies: [
                "ReportServer", "ReportClient", "ReportProtocol", "ReportStore", "ReportEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            // reportctl --help as reviewed; the test reads and rewrites it in the source tree.
            resources: [.copy("Golden")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
