import Hummingbird
import NIOCore

/// What the console knows of a request beyond the request itself: who sent it (the session the access check
/// found) and the form it carried (read and CSRF-checked before any handler runs).
struct ConsoleRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    var session: ConsoleSession?
    var form: [String: String] = [:]
    var language: ConsoleLanguage = .english
    /// The client address as the rate limit counts it: the peer's, or behind a trusted proxy the one it forwarded
    /// (set by the access check).
    var clientAddress: String

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.clientAddress = self.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The session, or 401 (an API client) / a redirect to the login page (a browser), decided by the access check.
    func requireSession() throws(ConsoleError) -> ConsoleSession {
        guard let session = self.session else { throw .signInFirst }
        return session
    }
}
