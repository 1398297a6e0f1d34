import Foundation
public import StoregateCore

extension Timestamp {
    /// Now, from the system clock: the one place the gateway reads it (the core has no clock; it is given times).
    public static var now: Timestamp {
        Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}
