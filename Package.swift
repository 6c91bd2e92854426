// swift-tools-version: 6.2
// promshard: shards Prometheus scrape targets across a fleet of collectors.
//
// Data flows discovery → hashing → dispatch → executors; the supervisor is a
// thin router between the child processes. Each role lives in its own target.

import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "promshard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "promshard", targets: ["promshard"]),
        .executable(name: "promshard-exec-file", targets: ["promshard-exec-file"]),
        .executable(name: "promshard-bench", targets: ["promshard-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // MARK: System libraries (Debian: libyaml-dev, libcurl4-openssl-dev)
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),

        // MARK: Pure logic (no I/O)
        .target(name: "PromshardProtocol", path: "Sources/Protocol", swiftSettings: strict),
        .target(
            name: "PromshardConfig", dependencies: ["CYAML", "PromshardProtocol"],
            path: "Sources/Config", swiftSettings: strict),
        .target(name: "PromshardHashing", path: "Sources/Hashing", swiftSettings: strict),

        // MARK: I/O edges shared by the roles
        .target(name: "PromshardCurl", dependencies: ["CCurl"], path: "Sources/Curl", swiftSettings: strict),
        .target(
            name: "PromshardBus",
            dependencies: ["PromshardProtocol", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Bus", swiftSettings: strict),

        // MARK: Child roles, in the order data flows through them
        .target(
            name: "PromshardDiscovery",
            dependencies: ["PromshardProtocol", "PromshardConfig", "PromshardCurl", "PromshardBus"],
            path: "Sources/Discovery", swiftSettings: strict),
        .target(
            name: "PromshardHashingRole",
            dependencies: ["PromshardProtocol", "PromshardConfig", "PromshardHashing", "PromshardBus"],
            path: "Sources/HashingRole", swiftSettings: strict),
        .target(
            name: "PromshardDispatch",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardBus",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Sources/Dispatch", swiftSettings: strict),
        .target(
            name: "PromshardHealth",
            dependencies: ["PromshardProtocol", "PromshardConfig", "PromshardBus"],
            path: "Sources/Health", swiftSettings: strict),

        // MARK: The promshard executable: CLI + supervisor
        .executableTarget(
            name: "promshard",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardBus", "PromshardDiscovery",
                "PromshardHashingRole", "PromshardDispatch", "PromshardHealth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Supervisor", swiftSettings: strict),

        // MARK: Executor plugins (plugin protocol v1)
        .target(
            name: "PromshardExecutorKit", dependencies: ["PromshardProtocol"],
            path: "Sources/Executors/Kit", swiftSettings: strict),
        .executableTarget(
            name: "promshard-exec-file",
            dependencies: ["PromshardExecutorKit", "PromshardProtocol", "PromshardCurl"],
            path: "Sources/Executors/File", swiftSettings: strict),

        // MARK: Benchmarks (build with -c release)
        .executableTarget(
            name: "promshard-bench", dependencies: ["PromshardHashing"],
            path: "Sources/Bench", swiftSettings: strict),

        // MARK: Tests
        .target(name: "PromshardTestSupport", path: "Tests/Support", swiftSettings: strict),
        .testTarget(name: "ProtocolTests", dependencies: ["PromshardProtocol", "PromshardBus"]),
        .testTarget(name: "ConfigTests", dependencies: ["PromshardConfig"]),
        .testTarget(name: "HashingTests", dependencies: ["PromshardHashing"]),
        .testTarget(
            name: "DiscoveryTests", dependencies: ["PromshardDiscovery", "PromshardConfig", "PromshardProtocol"]),
        .testTarget(
            name: "DispatchTests",
            dependencies: ["PromshardDispatch", "PromshardConfig", "PromshardProtocol", "PromshardHashingRole"],
            exclude: ["Plugins"]),
        .testTarget(
            name: "HashingRoleTests", dependencies: ["PromshardHashingRole", "PromshardConfig", "PromshardProtocol"]),
        .testTarget(name: "HealthTests", dependencies: ["PromshardHealth", "PromshardConfig", "PromshardProtocol"]),
        .testTarget(name: "ProcessTests", dependencies: ["PromshardProtocol", "PromshardTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["PromshardProtocol", "PromshardTestSupport"]),
    ]
)
