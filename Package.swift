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
        .executable(name: "promshard-exec-scp", targets: ["promshard-exec-scp"]),
        .executable(name: "promshard-exec-ansible", targets: ["promshard-exec-ansible"]),
        .executable(name: "promshard-exec-job", targets: ["promshard-exec-job"]),
        .executable(name: "promshard-bench", targets: ["promshard-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
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
        .target(name: "PromshardHashingEngine", path: "Sources/HashingEngine", swiftSettings: strict),

        // MARK: I/O edges shared by the roles
        .target(name: "PromshardSpawn", path: "Sources/Spawn", swiftSettings: strict),
        .target(name: "PromshardCurl", dependencies: ["CCurl"], path: "Sources/Curl", swiftSettings: strict),
        .target(
            name: "PromshardRuntime",
            dependencies: ["PromshardProtocol", .product(name: "Logging", package: "swift-log")],
            path: "Sources/Runtime", swiftSettings: strict),
        .target(
            name: "PromshardSupervisorCore", dependencies: ["PromshardProtocol"],
            path: "Sources/SupervisorCore",
            swiftSettings: strict),

        .target(
            name: "PromshardMetrics",
            dependencies: [
                "PromshardProtocol", .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Sources/Metrics", swiftSettings: strict),
        .target(
            name: "PromshardConsul",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardCurl", "PromshardRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Consul", swiftSettings: strict),
        .target(
            name: "PromshardHistory",
            dependencies: ["PromshardProtocol", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources/History", swiftSettings: strict),
        .target(
            name: "PromshardJobs",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardRuntime", "PromshardExecutorHost",
                "PromshardMetrics", .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Sources/Jobs", swiftSettings: strict),
        .target(
            name: "PromshardJobsHTTP",
            dependencies: [
                "PromshardJobs", "PromshardConfig", "PromshardProtocol",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Sources/JobsHTTP", swiftSettings: strict),
        .target(
            name: "PromshardZabbix", dependencies: ["PromshardProtocol"], path: "Sources/Zabbix",
            swiftSettings: strict),

        // MARK: Child roles, in the order data flows through them
        .target(
            name: "PromshardDiscovery",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardCurl", "PromshardRuntime",
                "PromshardConsul",
                "PromshardMetrics",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Discovery", swiftSettings: strict),
        .target(
            name: "PromshardHashing",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardHashingEngine", "PromshardRuntime",
                "PromshardMetrics",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Hashing", swiftSettings: strict),
        .target(
            name: "PromshardDispatch",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardRuntime", "PromshardHistory",
                "PromshardMetrics", "PromshardExecutorHost",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Dispatch", swiftSettings: strict),
        .target(
            name: "PromshardHealth",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardRuntime", "PromshardMetrics",
                "PromshardZabbix", "PromshardJobsHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Health", swiftSettings: strict),

        .target(
            name: "PromshardPush",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardCurl", "PromshardRuntime",
                "PromshardHashingEngine", "PromshardMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Push", swiftSettings: strict),

        // MARK: The promshard executable: CLI + supervisor
        .executableTarget(
            name: "promshard",
            dependencies: [
                "PromshardProtocol", "PromshardConfig", "PromshardRuntime", "PromshardSupervisorCore",
                "PromshardSpawn", "PromshardDiscovery",
                "PromshardHashing", "PromshardDispatch", "PromshardExecutorHost", "PromshardHealth",
                "PromshardJobs",
                "PromshardHistory", "PromshardPush",
                "PromshardConsul",
                "PromshardMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Supervisor", swiftSettings: strict),

        // MARK: Executors: the host that runs plugins (dispatch, `promshard check`), and the plugins (protocol v1)
        .target(
            name: "PromshardExecutorHost",
            dependencies: [
                "PromshardProtocol", "PromshardRuntime",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Sources/Executors/Host", swiftSettings: strict),
        .target(
            name: "PromshardExecutorKit", dependencies: ["PromshardProtocol", "PromshardSpawn"],
            path: "Sources/Executors/Kit", swiftSettings: strict),
        .executableTarget(
            name: "promshard-exec-file",
            dependencies: ["PromshardExecutorKit", "PromshardProtocol", "PromshardCurl"],
            path: "Sources/Executors/File", swiftSettings: strict),
        .executableTarget(
            name: "promshard-exec-scp",
            dependencies: ["PromshardExecutorKit", "PromshardProtocol", "PromshardCurl"],
            path: "Sources/Executors/Scp", swiftSettings: strict),
        .executableTarget(
            name: "promshard-exec-ansible",
            dependencies: ["PromshardExecutorKit", "PromshardProtocol", "PromshardCurl"],
            path: "Sources/Executors/Ansible", swiftSettings: strict),

        .executableTarget(
            name: "promshard-exec-job", dependencies: ["PromshardProtocol"], path: "Sources/Executors/Job",
            swiftSettings: strict),

        // MARK: Benchmarks (build with -c release)
        .executableTarget(
            name: "promshard-bench",
            dependencies: [
                "PromshardHashingEngine", "PromshardProtocol", "PromshardTestSupport", "PromshardJobs",
                "PromshardConfig",
            ],
            path: "Sources/Bench", swiftSettings: strict),

        // MARK: Tests
        .target(name: "PromshardTestSupport", path: "Tests/Support", swiftSettings: strict),
        .target(
            name: "ConsulSimulator",
            dependencies: ["PromshardTestSupport", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/ConsulSimulator", swiftSettings: strict),
        .testTarget(name: "ProtocolTests", dependencies: ["PromshardProtocol"]),
        .testTarget(name: "SpawnTests", dependencies: ["PromshardSpawn"]),
        .testTarget(name: "RuntimeTests", dependencies: ["PromshardRuntime", "PromshardProtocol"]),
        .testTarget(
            name: "SupervisorCoreTests", dependencies: ["PromshardSupervisorCore", "PromshardProtocol"]),
        .testTarget(name: "ConfigTests", dependencies: ["PromshardConfig"]),
        .testTarget(name: "HashingEngineTests", dependencies: ["PromshardHashingEngine"]),
        .testTarget(
            name: "DiscoveryTests",
            dependencies: ["PromshardDiscovery", "PromshardConfig", "PromshardProtocol"]),
        .testTarget(
            name: "DispatchTests",
            dependencies: [
                "PromshardDispatch", "PromshardExecutorHost", "PromshardConfig", "PromshardProtocol",
                "PromshardHashing", "PromshardHistory", "PromshardTestSupport",
            ]),
        .testTarget(
            name: "ExecutorHostTests", dependencies: ["PromshardExecutorHost", "PromshardProtocol"],
            exclude: ["Plugins"]),
        .testTarget(
            name: "HashingTests",
            dependencies: ["PromshardHashing", "PromshardConfig", "PromshardProtocol"]),
        .testTarget(
            name: "HealthTests", dependencies: ["PromshardHealth", "PromshardConfig", "PromshardProtocol"]),
        .testTarget(name: "HistoryTests", dependencies: ["PromshardHistory", "PromshardProtocol"]),
        .testTarget(
            name: "JobsTests",
            dependencies: ["PromshardJobs", "PromshardProtocol", "PromshardConfig", "PromshardTestSupport"]),
        .testTarget(
            name: "ExecutorIntegrationTests",
            dependencies: [
                "PromshardDispatch", "PromshardExecutorHost", "PromshardProtocol", "PromshardTestSupport",
                "PromshardHistory", "PromshardConfig", "PromshardSpawn", "PromshardJobs",
            ]),
        .testTarget(
            name: "ConsulTests",
            dependencies: [
                "PromshardConsul", "PromshardConfig", "PromshardProtocol", "ConsulSimulator",
                "PromshardTestSupport",
            ]),
        .testTarget(
            name: "HealthIntegrationTests",
            dependencies: [
                "PromshardZabbix", "PromshardMetrics", "PromshardHealth", "PromshardProtocol",
                "PromshardTestSupport",
                "PromshardConfig", .product(name: "Metrics", package: "swift-metrics"),
            ]),
        .testTarget(name: "ProcessTests", dependencies: ["PromshardProtocol", "PromshardTestSupport"]),
        .testTarget(
            name: "PushTests",
            dependencies: [
                "PromshardPush", "PromshardHashingEngine", "PromshardProtocol", "PromshardConfig",
                "PromshardTestSupport",
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["PromshardProtocol", "PromshardTestSupport"]),
    ]
)
