// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/swhitty/FlyingFox", exact: "0.27.1"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .systemLibrary(name: "CQRencode", path: "Sources/CQRencode"),
        .target(
            name: "CCurl",
            path: "Sources/CCurl",
            // libcurl is opened with dlopen on first use (see ccurl.h), not linked.
            linkerSettings: [.linkedLibrary("dl")]
        ),
        .target(
            name: "SwitchboardCore",
            dependencies: [
                "CCurl",
                "CQRencode",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            plugins: ["EmbedCatalog"]
        ),
        // Compiles catalog/*.yaml into SwitchboardCore, so an installed binary needs no files beside it.
        .executableTarget(name: "embed-files", path: "Sources/embed-files"),
        .plugin(name: "EmbedCatalog", capability: .buildTool(), dependencies: ["embed-files"]),
        .target(
            name: "SwitchboardTUI",
            dependencies: ["SwitchboardCore", "CNcursesw"]
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The static Swift runtime's link arguments export every symbol of the binary
            // (`-export-dynamic`, 25,000 of them) though nothing looks them up; the Swift
            // runtime's start-up `dladdr` then scans them all (callgrind: 0.86 M instructions
            // of a 6.5 M `--version`). The last of the two flags wins.
            //
            // link/ holds linker scripts named like libstdc++, ncursesw and SQLite's shared
            // libraries that name their static archives instead. A `-L` is searched before the
            // system's directories, so a release build links those three in: binding their
            // symbols at every start was most of the dynamic loader's work (`LD_DEBUG=bindings`:
            // 1,736 lookups for libstdc++, 1,596 for SQLite, 495 for ncurses; callgrind:
            // `--version` 5.9 M → 3.4 M instructions). Release only: a debug build uses the
            // shared Swift runtime, which brings the shared libstdc++ anyway. The cost: a Debian
            // security update of these libraries reaches the binary when it is rebuilt
            // (`scripts/install` again), as the README says.
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--no-export-dynamic"]),
                .unsafeFlags(["-L", Context.packageDirectory + "/link"], .when(configuration: .release)),
                // lld (the toolchain's) packs the binary's 125,000 relative relocations as
                // RELR (glibc 2.36+, Debian 12): 3 MB of relocation entries become 25 KB, and
                // the loader applies them in fewer instructions (callgrind, `logs --limit 50`:
                // 5.7 M → 5.1 M; gold has no such option).
                .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(configuration: .release)),
            ]
        ),
        // What only tests use: the scripted HTTP transport, the in-memory wizard backend and
        // the checkout's paths. No product target depends on it.
        .target(name: "SwitchboardTestSupport",
                dependencies: ["SwitchboardCore", "SwitchboardTUI", .product(name: "Crypto", package: "swift-crypto")]),
        // FlyingFox serves the tests' independent HTTP endpoints; it stays out of the product.
        .testTarget(name: "SwitchboardCoreTests",
                    dependencies: ["SwitchboardCore", "SwitchboardTestSupport", .product(name: "FlyingFox", package: "FlyingFox")]),
        .testTarget(name: "SwitchboardTUITests", dependencies: ["SwitchboardTUI", "SwitchboardCore", "SwitchboardTestSupport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
