import FuzzSupport
import LibreTranslate

/// `nmt serve`'s reading of a LibreTranslate request (the HTTP server is Hummingbird's): the
/// input is a body; its first byte picks the content type (JSON, a form, none) and whether a
/// query string (the bytes after a NUL) comes too.
///
/// Properties: a request is read or refused with `ServeError.badRequest` and a one-line message
/// (never another error, never a crash); what is read has at least one text, a source and a
/// target, alternatives in 0...100, and when `q` was a string exactly one text; the parts of each
/// text as HTML put back together give the text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServe(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Fuzz.bytes(data, size)
    guard let settings = bytes.first else { return 0 }
    let parts = Fuzz.split(Array(bytes.dropFirst()), parts: 2)
    let contentType = ["application/json", "application/x-www-form-urlencoded; charset=utf-8", nil][Int(settings) % 3]
    var query = [String: String]()
    if settings & 4 != 0, parts.count > 1 {
        for (key, value) in LibreTranslateRequest.formFields(String(decoding: parts[1], as: UTF8.self)) where query[key] == nil {
            query[key] = value
        }
    }
    let request: LibreTranslateRequest
    do {
        request = try LibreTranslateRequest(body: parts[0], contentType: contentType, query: query)
    } catch let error as ServeError {
        guard case .badRequest(let message) = error else { fatalError("fuzz property violated: \(error) for a parse") }
        Fuzz.require(!message.contains("\n"), "a message of more than one line: \(message)")
        return 0
    } catch {
        fatalError("fuzz property violated: an error that is not a ServeError: \(error)")
    }
    Fuzz.require(request.isArray || request.texts.count == 1, "a string q read as \(request.texts.count) texts")
    Fuzz.require((0...100).contains(request.alternatives), "alternatives \(request.alternatives)")
    for text in request.texts {
        let joined = HTMLText.parts(text).map { part -> String in
            switch part {
            case .markup(let markup): return markup
            case .text(let run): return run
            }
        }.joined()
        Fuzz.require(joined == text, "HTML parts do not give back \(text.debugDescription)")
    }
    return 0
}
