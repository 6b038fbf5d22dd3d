// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "recsys-tui",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "recsys-tui", targets: ["recsys-tui"]),
        .library(name: "RecsysEngine", targets: ["RecsysEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // Pure Swift: data, models, evaluation, math. No UI, no C.
        .target(name: "RecsysEngine"),
        // Pure UI core: state, messages, update, view into a screen buffer. No curses.
        .target(name: "RecsysUI", dependencies: ["RecsysEngine"]),
        // The system ncursesw library, seen through a small shim.
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        // The only importer of ncurses: key decoding, diffed drawing, the generic run loop.
        .target(name: "RecsysTerminal", dependencies: ["CNcursesw", "RecsysUI"]),
        // The explorer's runtime: does the work RecsysUI's effects describe (engine jobs, store, files)
        // and places it on the app's queues. No curses.
        .target(name: "RecsysRuntime", dependencies: ["RecsysUI", "RecsysEngine"]),
        // Profiles in SQLite (GRDB).
        .target(
            name: "RecsysStore",
            dependencies: ["RecsysEngine", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .executableTarget(
            name: "recsys-tui",
            dependencies: [
                "RecsysEngine", "RecsysUI", "RecsysRuntime", "RecsysTerminal", "RecsysStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "RecsysTestSupport", dependencies: ["RecsysEngine", "RecsysUI"]),
        .testTarget(name: "RecsysEngineTests", dependencies: ["RecsysEngine", "RecsysTestSupport"]),
        .testTarget(name: "RecsysUITests", dependencies: ["RecsysUI", "RecsysRuntime", "RecsysEngine", "RecsysTestSupport"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "RecsysStoreTests", dependencies: ["RecsysStore", "RecsysEngine", "RecsysTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "RecsysCLITests", dependencies: ["RecsysEngine", "RecsysTestSupport"]),
        .testTarget(name: "RecsysRuntimeTests",
                    dependencies: ["RecsysRuntime", "RecsysUI", "RecsysEngine", "RecsysTestSupport"]),
        .testTarget(name: "RecsysTerminalTests",
                    dependencies: ["RecsysTerminal", "RecsysUI", "RecsysEngine", "RecsysTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
