import CMosquitto
import Glibc

/// `mosquitto_lib_init` is not thread-safe and must run once per process: a `static let` is initialised exactly
/// once, under a lock, by the Swift runtime.
enum MosquittoLibrary {
    static let initialised: Bool = {
        mosquitto_lib_init() == Int32(MOSQ_ERR_SUCCESS.rawValue)
    }()

    /// The linked libmosquitto's version, e.g. "2.0.11".
    static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        mosquitto_lib_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}

func errnoIsInterrupted() -> Bool {
    errno == EINTR
}
