// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that CI's `swift test` at the root never builds the
// benchmark harness. Run from this folder:
//   swift package --allow-writing-to-package-directory benchmark
let package = Package(
    name: "nmt-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "nmt", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "TextBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), .product(name: "NMT", package: "nmt")],
            path: "Benchmarks/TextBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "ModelBenchmarks",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), .product(name: "NMT", package: "nmt")],
            path: "Benchmarks/ModelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
