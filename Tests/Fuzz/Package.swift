// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets, in their own package so that `swift test` at the root never builds them.
// Build and run them with `Tests/Fuzz/run.sh SECONDS [TARGET...]`, which builds with
// `swift build -c release --sanitize fuzzer` (coverage instrumentation in every module, the root
// package's included, and libFuzzer's `main`). Each target is one `LLVMFuzzerTestOneInput` that
// asserts its properties: a violated one crashes, and libFuzzer keeps the input.
let targets = ["FuzzMoses", "FuzzReversible", "FuzzBPE", "FuzzRecipe", "FuzzCheckpoint", "FuzzScore", "FuzzTranslate", "FuzzServe"]

let package = Package(
    name: "nmt-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "nmt", path: "../..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "NMT", package: "nmt")]),
    ] + targets.map { name in
        // libFuzzer supplies `main`, so the entry file is a library file.
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "NMT", package: "nmt")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
