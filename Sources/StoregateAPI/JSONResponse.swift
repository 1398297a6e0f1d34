import Foundation
import Hummingbird

/// Responses with a JSON body (`Content-Type: application/json`, one object, a trailing newline).
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ json: String) -> Response {
        Self.make(status, bytes: Array(json.utf8))
    }

    static func make(_ status: HTTPResponse.Status, object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Self.make(status, bytes: Array(data))
    }

    static func make(_ status: HTTPResponse.Status, bytes: [UInt8]) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(bytes.count + 1)
        buffer.writeBytes(bytes)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: buffer))
    }
}
