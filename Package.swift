// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "ddmsh",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ddmsh", targets: ["ddmsh"]),
        .library(name: "DDMKit", targets: ["DDMKit"]),
        .library(name: "DDMLocal", targets: ["DDMLocal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // The AK/SK signing algorithm: shared by client (signs) and emulator (verifies),
        // pinned byte-for-byte by the reference's test vectors.
        .target(
            name: "DDMSigning",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "DDMKit",
            dependencies: [
                "DDMSigning",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DDMLocal",
            dependencies: [
                "DDMSigning",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "DDMLanguage", dependencies: ["DDMKit"]),
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .target(name: "LineEditor", dependencies: ["CLibEdit"]),
        .target(
            name: "DDMShell",
            dependencies: [
                "DDMKit", "DDMLocal", "DDMLanguage", "LineEditor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Release builds link a position-dependent executable that exports no symbols: with the
        // static Swift runtime that removes 140,000 start-up relocations and a 1.8 MB symbol table
        // that dladdr() walks, so start-up and resident memory shrink (docs/performance.md).
        .executableTarget(
            name: "ddmsh", dependencies: ["DDMShell"],
            linkerSettings: [.unsafeFlags(["-Xclang-linker", "-no-pie", "-Xlinker", "--no-export-dynamic"], .when(configuration: .release))]),
        // The batch-versus-naive benchmark that scripts/bench runs.
        .executableTarget(name: "ddmsh-bench", dependencies: ["DDMKit", "DDMLocal", "DDMLanguage"]),
        // Starts a fresh local service for tests in any target.
        .target(name: "LocalTestSupport", dependencies: ["DDMKit", "DDMLocal"], path: "Tests/LocalTestSupport"),
        .testTarget(name: "DDMKitTests", dependencies: ["DDMKit", "DDMLocal", "DDMSigning", "LocalTestSupport"]),
        .testTarget(name: "DDMLocalTests", dependencies: ["DDMLocal", "DDMSigning", "DDMKit", "LocalTestSupport"]),
        .testTarget(name: "DDMLanguageTests", dependencies: ["DDMLanguage", "DDMKit", "DDMLocal", "LocalTestSupport"]),
        .testTarget(name: "DDMShellTests", dependencies: ["DDMShell", "DDMLocal", "DDMKit", "LocalTestSupport"], exclude: ["Golden"]),
    ]
)
