public import Foundation
import StoregateContract

/// `storegate status --json` and `GET /v1/status`: the report in the contract's JSON coding (snake_case keys,
/// sorted; absent values left out), the daemon's status under `daemon` as it publishes it.
extension StatusReport {
    public var json: Data {
        get throws { Data(try HQJSON.encode(self)) }
    }
}
