// The text pipeline's hot paths on the shipped corpus, beside the reference tools they replace
// (sacremoses, subword-nmt), timed in the same harness run. The reference benchmarks run the
// Python tools as processes from Tests/Fixtures/.venv (made by Tests/Fixtures/make_fixtures.py);
// they are skipped when it is missing. `compare-text.sh` gives the end-to-end command ratios.
import Benchmark
import Data
import Foundation
import IO
import Text

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
let corpus = root + "/corpora/ddtp-en-fr"
let venv = root + "/Tests/Fixtures/.venv/bin"

/// Runs a shell command and waits for it (for the reference tools).
func shell(_ command: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    try? process.run()
    process.waitUntilExit()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
                                           maxDuration: .seconds(20), maxIterations: 10)
    let trainFrench = try! FileSystem.readLines(corpus + "/train.fr")
    let trainEnglish = try! FileSystem.readLines(corpus + "/train.en")
    let french = Preprocessor(tokenizer: try! MosesTokenizer(language: "fr"), removeInvisible: false)
    let english = Preprocessor(tokenizer: try! MosesTokenizer(language: "en"), removeInvisible: false)
    let tokenizedEnglish = english.process(trainEnglish)
    let tokenizedFrench = french.process(trainFrench)
    let codes = BPELearner.learn(from: [tokenizedEnglish, tokenizedFrench], merges: 16_000)
    let bpe = BPE(codes: codes)
    let tokenizedPath = NSTemporaryDirectory() + "nmt-bench-train.tok.en"
    let codesPath = NSTemporaryDirectory() + "nmt-bench-bpe.codes"
    try! FileSystem.writeAtomically(tokenizedPath, tokenizedEnglish.fileContents())
    try! FileSystem.writeAtomically(codesPath, codes.fileContents())
    let haveReference = FileManager.default.fileExists(atPath: venv + "/sacremoses")

    // One iteration is the whole file: lines per second = throughput × 59,477.
    Benchmark("tokenize train.fr (nmt, all cores)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(french.process(trainFrench)) }
    }
    Benchmark("tokenize one line (nmt, warm workspace)",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 100_000)) { benchmark in
        var workspace = MosesTokenizer.Workspace()
        var output = [UInt8]()
        let line = Array("Cette bibliothèque fournit l'interface (API) de GTK+ 3.0, en C et en C++ : voir https://gtk.org.".utf8)
        line.withUnsafeBufferPointer { french.tokenizer.tokenize($0, workspace: &workspace, into: &output) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            output.removeAll(keepingCapacity: true)
            line.withUnsafeBufferPointer { french.tokenizer.tokenize($0, workspace: &workspace, into: &output) }
        }
        blackHole(output)
    }
    // Reversible tokens: Moses, then one walk that lines its output up with the input.
    let reversibleFrench = Preprocessor(tokenizer: try! MosesTokenizer(language: "fr"), kind: .reversible,
                                        removeInvisible: false)
    Benchmark("tokenize train.fr, reversible (nmt, all cores)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(reversibleFrench.process(trainFrench)) }
    }
    Benchmark("tokenize one line, reversible (nmt, warm workspace)",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 100_000)) { benchmark in
        let tokenizer = ReversibleTokenizer(moses: french.tokenizer)
        var workspace = ReversibleTokenizer.Workspace()
        var output = [UInt8]()
        let line = Array("Cette bibliothèque fournit l’interface (API) de GTK+ 3.0, en C et en C++\u{A0}: voir https://gtk.org.".utf8)
        line.withUnsafeBufferPointer { tokenizer.tokenize($0, workspace: &workspace, into: &output) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            output.removeAll(keepingCapacity: true)
            line.withUnsafeBufferPointer { tokenizer.tokenize($0, workspace: &workspace, into: &output) }
        }
        blackHole(output)
    }
    Benchmark("bpe apply train.en (nmt, all cores)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ParallelLines.map(tokenizedEnglish, makeState: { BPE.Cache() }) { _, line, cache, output in
                bpe.apply(line, cache: &cache, into: &output)
            })
        }
    }
    Benchmark("bpe learn 16000 merges (nmt)", configuration: .init(maxIterations: 3)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(BPELearner.learn(from: [tokenizedEnglish, tokenizedFrench], merges: 16_000))
        }
    }
    Benchmark("prepare ddtp-en-fr, 16000 merges (nmt)", configuration: .init(maxIterations: 3)) { benchmark in
        var options = PrepareOptions()
        options.bpeMerges = 16_000
        options.quiet = true
        let out = NSTemporaryDirectory() + "nmt-bench-prepare"
        for _ in benchmark.scaledIterations {
            blackHole(try! CorpusPreparation.run(source: .directory(corpus), outputDirectory: out, options: options, force: true))
        }
    }
    if haveReference {
        Benchmark("tokenize train.fr (sacremoses -j 2)", configuration: .init(maxIterations: 3)) { benchmark in
            for _ in benchmark.scaledIterations {
                shell("\(venv)/sacremoses -q -l fr -j 2 tokenize < \(corpus)/train.fr > /dev/null")
            }
        }
        Benchmark("bpe apply train.en (subword-nmt --num-workers 2)", configuration: .init(maxIterations: 3)) { benchmark in
            for _ in benchmark.scaledIterations {
                shell("\(venv)/subword-nmt apply-bpe -c \(codesPath) -i \(tokenizedPath) --num-workers 2 > /dev/null")
            }
        }
    }
}
