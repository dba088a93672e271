// swift-tools-version:6.0
import PackageDescription

// One module per pipeline stage (STYLE.md). Lower modules never import higher ones:
// C shims (CICU, CBLAS, CKernels, CVectorMath, CDecode, CMPI, CDNNL) → IO (→ MPI) → Text → Data; Eval (scoring) needs
// IO and Text; Tensor → Model (needs Data) → Loss, Decode; ModelFiles (recipes, checkpoints, the
// model directory) needs Model and Text; Translation needs Decode and ModelFiles; Train needs
// Loss, Eval, ModelFiles and Translation (dev BLEU); nmt (the commands) sits on top.
let package = Package(
    name: "nmt",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nmt", targets: ["nmt"]),
        .library(name: "NMT", targets: ["IO", "Text", "Data", "Eval", "Tensor", "Model", "Loss", "ModelFiles", "Train", "Decode",
                                        "Translation", "LibreTranslate", "MPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .target(name: "CICU", linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icudata")]),
        .target(name: "CBLAS", linkerSettings: [.linkedLibrary("openblas")]),
        .target(name: "IO"),
        // Open MPI (pkg-config ompi-c), and the communicator over it that training and translation share.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "MPI", dependencies: ["CMPI", "IO"]),
        .target(name: "Text", dependencies: ["CICU", "IO"]),
        .target(name: "Data", dependencies: ["Text", "IO"]),
        .target(name: "Eval", dependencies: ["IO", "Text"]),
        // Lane-wise sqrt/exp for the loss and optimizer loops (Swift's are libm calls per lane);
        // its nmt_exp.h is also the kernels' e^x.
        .target(name: "CVectorMath"),
        .target(name: "CKernels", dependencies: ["CVectorMath"]),
        // oneDNN's int8 product for `--precision int8` (OpenMP underneath, as Debian builds it).
        .target(name: "CDNNL", linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]),
        .target(name: "Tensor", dependencies: ["CBLAS", "CKernels", "CDNNL", "IO"]),
        .target(name: "Model", dependencies: ["Tensor", "Data", "IO"]),
        .target(name: "Loss", dependencies: ["Tensor", "IO", "CVectorMath"]),
        // What a trained model is on disk: recipes, checkpoints and the model directory.
        .target(name: "ModelFiles", dependencies: ["Model", "Tensor", "Text", "IO", .product(name: "Yams", package: "Yams")]),
        // The decoder's pass over a step's logits (log Σ exp and the k best of each row).
        .target(name: "CDecode", dependencies: ["CKernels"]),
        .target(name: "Decode", dependencies: ["Model", "Tensor", "Data", "IO", "CDecode"]),
        .target(name: "Translation", dependencies: ["Decode", "ModelFiles", "Model", "Tensor", "Text", "Data", "IO", "MPI"]),
        .target(name: "Train", dependencies: ["ModelFiles", "Translation", "Tensor", "Model", "Loss", "Data", "Eval", "Text", "IO", "MPI",
                                              "CVectorMath"]),
        // LibreTranslate's requests as its clients send them (no HTTP server: the fuzz target uses it).
        .target(name: "LibreTranslate"),
        // `nmt serve`: the LibreTranslate API over HTTP (Hummingbird), sentences of concurrent requests decoded together;
        // /metrics through swift-metrics and swift-prometheus.
        .target(name: "Serve", dependencies: ["LibreTranslate", "Translation", "ModelFiles", "IO",
                                       .product(name: "Hummingbird", package: "hummingbird"),
                                       .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                       .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                                       .product(name: "CoreMetrics", package: "swift-metrics"),
                                       .product(name: "Prometheus", package: "swift-prometheus")]),
        .executableTarget(
            name: "nmt",
            dependencies: ["CBLAS", "IO", "MPI", "Text", "Data", "Eval", "Tensor", "Model", "Loss", "ModelFiles", "Train", "Decode", "Translation", "Serve",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "IOTests", dependencies: ["IO", "TestSupport"]),
        .testTarget(name: "TextTests", dependencies: ["Text", "IO", "TestSupport"]),
        .testTarget(name: "CBLASTests", dependencies: ["CBLAS"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "IO"]),
        .testTarget(name: "LossTests", dependencies: ["Loss", "Tensor", "IO"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "Tensor", "IO", "TestSupport"]),
        .testTarget(name: "TrainTests", dependencies: ["Train", "ModelFiles", "Loss", "Tensor", "IO", "TestSupport"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Loss", "Tensor", "Data", "IO", "Train", "ModelTestSupport"]),
        .testTarget(name: "DataTests", dependencies: ["Data", "Text", "IO"]),
        .testTarget(name: "NmtTests", dependencies: ["nmt", "IO", "Data", "ModelFiles", "Train", "Tensor", "TestSupport"]),
        // Runs the built `nmt` and makes scratch directories, for the end-to-end tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The tiny random model the model and decoding tests share.
        .target(name: "ModelTestSupport", dependencies: ["Model", "Loss", "Tensor", "Data", "IO"], path: "Tests/ModelTestSupport"),
        .testTarget(name: "DecodeTests", dependencies: ["Decode", "Model", "Tensor", "Data", "IO", "ModelTestSupport"]),
        .testTarget(name: "TranslationTests", dependencies: ["Translation", "Decode", "ModelFiles", "Model", "Tensor", "Text", "IO", "nmt", "TestSupport"]),
        .testTarget(name: "ServeTests", dependencies: ["nmt", "Serve", "Translation", "ModelFiles", "TestSupport"]),
        // Runs the built `nmt` and the collectives under a real `mpirun -np 2/3`.
        .testTarget(name: "MPITests", dependencies: ["MPI", "Translation", "Decode", "ModelFiles", "Tensor", "IO", "nmt", "MPICheck", "TestSupport"]),
        .executableTarget(name: "MPICheck", dependencies: ["MPI", "IO"], path: "Tests/MPICheck"),
        .testTarget(name: "EvalTests", dependencies: ["Eval", "Text", "IO", "nmt", "TestSupport"]),
    ]
)
