import Foundation
import Hummingbird

/// A request the API refuses: an HTTP status and `{"error":{"code":…,"message":…}}` with a stable machine code and
/// a message that names the field (docs/api.md lists every code).
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    static func malformedJSON(_ message: String) -> APIError { APIError(status: .badRequest, code: "malformed_json", message: message) }
    static func missingField(_ field: String) -> APIError {
        APIError(status: .badRequest, code: "missing_field", message: "\(field) is required")
    }
    static func invalidField(_ field: String, _ problem: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_field", message: "\(field): \(problem)")
    }
    static func unknownField(_ field: String) -> APIError {
        APIError(status: .badRequest, code: "unknown_field", message: "\(field) is not a field; use scan, lane, operator, idempotency_key")
    }
    static func unknownOperation(_ name: String) -> APIError {
        APIError(status: .badRequest, code: "unknown_operation", message: "\(name) is not an operation; use verify, receive, sell, redeem or void")
    }
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, code: "body_too_large", message: "the request body is over \(limit) bytes")
    }

    var response: Response {
        JSONResponse.make(self.status, object: ["error": ["code": self.code, "message": self.message]])
    }
}
