#if canImport(Glibc)
import Glibc
#endif

/// An IP address as text in its one canonical spelling (`::1`, not `0:0:0:0:0:0:0:1`), so that addresses from the
/// configuration, from a socket and from a proxy's header compare equal when they are the same address.
public enum IPAddressText {
    /// The canonical spelling of an IPv4 or IPv6 literal, or nil when `text` is not one.
    public static func canonical(_ text: String) -> String? {
        var v4 = in_addr(), v6 = in6_addr()
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if inet_pton(AF_INET, text, &v4) == 1 {
            return inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count)).map { String(cString: $0) }
        }
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count)).map { String(cString: $0) }
        }
        return nil
    }
}
