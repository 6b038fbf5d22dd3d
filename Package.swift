// swift-tools-version:6.1
import PackageDescription

// The engine's numeric kernels (SIMD, unsafe buffers) are 20–100× slower unoptimised: debug builds
// (and so `swift test`) compile the engine with -O too. Testability is kept (@testable import works).
// unsafeFlags are fine for this root package; a package that depended on the RecsysEngine product by a
// version requirement would be refused by SwiftPM (a branch, revision or local path is accepted).
//
// The engine is compiled for the CPU it is built on (`-target-cpu native`): the README builds and runs
// on the same machine, and AVX2 halves the passes of the SIMD8 kernels (SVD, ALS, the towers); results
// are the same bits (Swift never fuses a multiply and an add). A binary to copy to another machine is
// built with RECSYS_TUI_PORTABLE=1 (baseline x86-64 / arm64), docs/architecture.md "Build settings".
import Foundation
let portable = ProcessInfo.processInfo.environment["RECSYS_TUI_PORTABLE"].map { !$0.isEmpty && $0 != "0" } ?? false
let engineSettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    + (portable ? [] : [.unsafeFlags(["-target-cpu", "native"])])

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
        // The workshop handout (`recsys-tui report`): HTML built as a typed tree, escaped by construction.
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
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
        // The workshop handout: the document as data (sections, tables, charts) and its HTML (Plot),
        // Markdown and SVG writers. Pure: no I/O, no store.
        .target(name: "RecsysReport", dependencies: ["RecsysEngine", "RecsysUI", .product(name: "Plot", package: "Plot")]),
        .executableTarget(
            name: "recsys-tui",
            dependencies: [
                "RecsysEngine", "RecsysUI", "RecsysRuntime", "RecsysTerminal", "RecsysStore", "RecsysServer",
                "RecsysLessons", "RecsysReport",
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
        .testTarget(name: "RecsysReportTests", dependencies: ["RecsysReport", "RecsysEngine", "RecsysUI", "RecsysTestSupport"],
                    exclude: ["Snapshots"]),
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
