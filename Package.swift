// swift-tools-version:6.1
import PackageDescription

// The engine's numeric kernels (SIMD, unsafe buffers) are 20–100× slower unoptimised: debug builds
// (and so `swift test`) compile the engine with -O too. Testability is kept (@testable import works).
// unsafeFlags are fine for this root package; a package that depended on the RecsysEngine product by a
// version requirement would be refused by SwiftPM (a branch, revision or local path is accepted).
let engineSettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "recsys-tui",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "recsys-tui", targets: ["recsys-tui"]),
        .library(name: "RecsysEngine", targets: ["RecsysEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // The HTTP service (`recsys-tui serve`). Its swift-configuration trait is off: we read no config files.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // Lesson files: their YAML header and checkpoints (`recsys-tui learn`, docs/lessons.md).
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // Pure Swift: data, models, evaluation, math. No UI, no C.
        .target(name: "RecsysEngine", swiftSettings: engineSettings),
        // Pure UI core: state, messages, update, view into a screen buffer. No curses.
        .target(name: "RecsysUI", dependencies: ["RecsysEngine", .product(name: "Yams", package: "Yams")]),
        // The built-in lessons and glossary (package resources) and the loader of an instructor's folder.
        .target(name: "RecsysLessons", dependencies: ["RecsysUI"], resources: [.copy("Lessons")]),
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
        // The HTTP service over saved models and the profile store (Hummingbird 2).
        .target(
            name: "RecsysServer",
            dependencies: [
                "RecsysEngine", "RecsysUI", "RecsysStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "recsys-tui",
            dependencies: [
                "RecsysEngine", "RecsysUI", "RecsysRuntime", "RecsysTerminal", "RecsysStore", "RecsysServer",
                "RecsysLessons",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "RecsysTestSupport", dependencies: ["RecsysEngine", "RecsysUI"]),
        .testTarget(name: "RecsysEngineTests", dependencies: ["RecsysEngine", "RecsysTestSupport"]),
        .testTarget(name: "RecsysUITests", dependencies: ["RecsysUI", "RecsysRuntime", "RecsysEngine", "RecsysTestSupport",
                                                         "RecsysLessons"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "RecsysStoreTests", dependencies: ["RecsysStore", "RecsysEngine", "RecsysTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "RecsysCLITests", dependencies: ["RecsysEngine", "RecsysTestSupport"]),
        .testTarget(name: "RecsysServerTests",
                    dependencies: ["RecsysServer", "RecsysEngine", "RecsysStore", "RecsysUI", "RecsysTestSupport",
                                   .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "RecsysRuntimeTests",
                    dependencies: ["RecsysRuntime", "RecsysUI", "RecsysEngine", "RecsysTestSupport"]),
        .testTarget(name: "RecsysTerminalTests",
                    dependencies: ["RecsysTerminal", "RecsysUI", "RecsysEngine", "RecsysTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
