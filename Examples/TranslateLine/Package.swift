// swift-tools-version:6.0
import PackageDescription

// A program that uses nmt as a library: it loads a trained model directory once and translates
// the lines given on its command line. Build it from this folder with `swift build`, then
//   .build/debug/TranslateLine ../../models/en-fr "The cat sat on the mat."
// (an application outside this repository names nmt by its URL instead of `path: "../.."`).
let package = Package(
    name: "TranslateLine",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "nmt", path: "../..")],
    targets: [
        .executableTarget(name: "TranslateLine", dependencies: [.product(name: "NMT", package: "nmt")]),
    ]
)
