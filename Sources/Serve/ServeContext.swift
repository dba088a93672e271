import Hummingbird
import NIOCore
import ServiceLifecycle

/// Hummingbird's request context plus the request's connection: its peer's address (the
/// fair-use limit's client when no API key is given) and whether it is still open.
struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Turns off the remote half-closure Hummingbird allows, so that a client hanging up closes its
/// connection at once (`Channel.isActive` turns false) and the engine can drop its queued lines.
/// HTTP/1.1 clients do not half-close and then wait for an answer.
final class HangUpCloses: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Never

    func handlerAdded(context: ChannelHandlerContext) {
        _ = context.channel.setOption(ChannelOptions.allowRemoteHalfClosure, value: false)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

/// Starts the engine's drain when graceful shutdown begins (it runs before the HTTP server's
/// own shutdown, which waits for the requests in flight).
struct DrainOnShutdown: Service {
    let engine: TranslationEngine
    let seconds: Double

    func run() async throws {
        try? await gracefulShutdown()
        engine.drain(within: seconds)
    }
}
