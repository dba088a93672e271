/// The settings of `nmt serve` (CONTRACT.md), its limits included.
public struct ServeOptions: Sendable {
    /// Where to listen: loopback unless told otherwise; port 0 takes a free one.
    public var host = "127.0.0.1"
    public var port = 5000
    /// Sentences decoded together at most, from all requests waiting.
    public var maxBatch = 64
    /// How long the first sentence of a batch waits for others to join it.
    public var maxWaitMilliseconds = 10
    /// A request body larger than this is refused (413) before it is read whole.
    public var maxRequestBytes = 1 << 20
    /// Lines (after splitting `q` at newlines) one request may ask for.
    public var maxLines = 1_000
    /// Lines waiting to be decoded, all requests together, before new requests get 503.
    public var maxQueue = 10_000
    /// After SIGTERM or SIGINT, how long what is queued may still be decoded (less than the 30 s
    /// Kubernetes waits before SIGKILL, so the server exits on its own).
    public var drainSeconds: Double = 20
    /// Keys a request must carry as `api_key` (nil: none needed).
    public var apiKeys: Set<String>?
    /// No line per request on standard error.
    public var quiet = false

    public init() {}
}
