import CoreMetrics
import Foundation
import Hummingbird
import IO
import NIOCore
import Prometheus
import Translation

/// The server's metrics, through swift-metrics into a Prometheus registry of its own (no global
/// `MetricsSystem.bootstrap`), which `GET /metrics` prints in Prometheus' text format:
/// - `nmt_requests_total{path, status}`: requests answered (paths other than the server's are `other`);
/// - `nmt_request_duration_seconds{path}`: a histogram of the time to answer;
/// - `nmt_sentences_total`, `nmt_output_tokens_total`: lines translated and the tokens (BPE
///   pieces, `<eos>` not counted) of their best translations;
/// - `nmt_batch_size`: a histogram of the lines decoded together;
/// - `nmt_queue_depth`: lines waiting, read when /metrics is asked.
public final class ServeMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let sentences: CoreMetrics.Counter
    private let outputTokens: CoreMetrics.Counter
    private let batchSize: CoreMetrics.Recorder
    private let queueDepth: CoreMetrics.Gauge

    /// The paths requests are counted under; any other is `other` (a scan of random paths must
    /// not grow the registry without bound).
    static let paths: Set<String> = ["/", "/translate", "/v1/translate", "/languages", "/health", "/metrics"]

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["nmt_request_duration_seconds"] =
            [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000].map { Duration.milliseconds($0) }
        factory.valueHistogramBuckets["nmt_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
        self.factory = factory
        sentences = CoreMetrics.Counter(label: "nmt_sentences_total", factory: factory)
        outputTokens = CoreMetrics.Counter(label: "nmt_output_tokens_total", factory: factory)
        batchSize = CoreMetrics.Recorder(label: "nmt_batch_size", aggregate: true, factory: factory)
        queueDepth = CoreMetrics.Gauge(label: "nmt_queue_depth", factory: factory)
    }

    /// One request answered with `status`, `elapsed` after it arrived.
    func request(path: String, status: Int, elapsed: Duration) {
        let path = Self.paths.contains(path) ? path : "other"
        CoreMetrics.Counter(label: "nmt_requests_total", dimensions: [("path", path), ("status", String(status))], factory: factory).increment()
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        CoreMetrics.Timer(label: "nmt_request_duration_seconds", dimensions: [("path", path)], factory: factory)
            .recordNanoseconds(nanoseconds)
    }

    /// One batch decoded: `lines` lines, their translations best first.
    func batch(lines: Int, outputs: [[Translator.Output]]) {
        batchSize.record(lines)
        sentences.increment(by: lines)
        outputTokens.increment(by: outputs.reduce(0) { $0 + ($1.first?.tokens ?? 0) })
    }

    /// The text of `GET /metrics`, with the queue depth as it is now.
    func text(queueDepth depth: Int) -> [UInt8] {
        queueDepth.record(depth)
        var bytes = [UInt8]()
        registry.emit(into: &bytes)
        return bytes
    }
}

/// Counts every request by path and status and times it (what `respond` answered, and the
/// router's own 404s).
struct MetricsRecording<Context: RequestContext>: RouterMiddleware {
    let metrics: ServeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.request(path: request.uri.path, status: response.status.code, elapsed: start.duration(to: .now))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(path: request.uri.path, status: status, elapsed: start.duration(to: .now))
            throw error
        }
    }
}

extension Server {
    /// `GET /metrics`: Prometheus' text exposition format, version 0.0.4.
    func metricsResponse(_ request: Request) -> Response {
        let start = ContinuousClock.now
        let bytes = metrics.text(queueDepth: engine.queueDepth)
        if !options.quiet {
            let milliseconds = Double(start.duration(to: .now).components.attoseconds) / 1e15
            FileSystem.printError("serve: \(request.method) \(request.uri.path) 200 0 sentences \(Int(milliseconds.rounded())) ms")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
