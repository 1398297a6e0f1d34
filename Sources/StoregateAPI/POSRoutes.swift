import Foundation
import HTTPTypes
import Hummingbird
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger

/// The handlers behind the API's routes (docs/api.md).
struct POSRoutes: Sendable {
    let configuration: APIConfiguration
    let desk: OperationDesk
    let metrics: GatewayMetrics
    let scanners: @Sendable () -> [ScannerStatus]
    let eventStreams: EventStreamSlots
    let parser = CodeParser()

    init(configuration: APIConfiguration, desk: OperationDesk, metrics: GatewayMetrics, scanners: @escaping @Sendable () -> [ScannerStatus]) {
        self.configuration = configuration
        self.desk = desk
        self.metrics = metrics
        self.scanners = scanners
        self.eventStreams = EventStreamSlots(limit: configuration.maxEventStreams)
    }

    func register(on router: Router<POSRequestContext>) {
        router.add(middleware: RequestAccounting(metrics: self.metrics))
        router.add(middleware: AccessGuard(configuration: self.configuration, ledger: self.desk.ledger))
        router.post("/v1/:operation") { request, context in
            var request = request
            return await self.perform(context.parameters.get("operation") ?? "", request: &request, context: context)
        }
        router.get("/v1/status") { _, context in await self.status(context) }
        router.get("/v1/codes/**") { _, context in await self.code(context.parameters.getCatchAll().joined(separator: "/"), context) }
        router.get("/v1/events") { request, _ in
            guard self.eventStreams.take() else {
                return APIError(status: .serviceUnavailable, code: "too_many_event_streams",
                                message: "\(self.eventStreams.limit) event streams are open (api.max_event_streams); try again later").response
            }
            let lastEventID = request.headers[Self.lastEventIDHeader].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
            let slots = self.eventStreams
            return EventStreamResponse.make(self.desk.decisions, ledger: self.desk.ledger, lastEventID: lastEventID,
                                            keepAlive: self.configuration.keepAlive, onEnd: { slots.release() })
        }
        router.get("/metrics") { _, _ in
            // The backlog gauge reads the ledger: on the ledger's thread, like every ledger call of the API.
            let (metrics, desk, scanners) = (self.metrics, self.desk, self.scanners())
            let text = (try? await desk.ledger.async.run { _ in metrics.render(desk: desk, scanners: scanners) }) ?? []
            var buffer = ByteBuffer()
            buffer.writeBytes(text)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: buffer))
        }
    }

    /// `POST /v1/{operation}`: through the same ``OperationDesk`` as a scanner's scan, in the lane's role.
    func perform(_ name: String, request: inout Request, context: POSRequestContext) async -> Response {
        do {
            guard let operation = Operation(rawValue: name) else { throw APIError.unknownOperation(name) }
            let bytes: ByteBuffer
            do {
                bytes = try await request.collectBody(upTo: self.configuration.bodyLimit)
            } catch {
                throw APIError.bodyTooLarge(limit: self.configuration.bodyLimit)
            }
            let body = try OperationBody(json: Array(buffer: bytes), headerKey: request.headers[Self.idempotencyKeyHeader])
            let code = ScanText.parse(body.scan, parser: self.parser)
            let asker = try self.configuration.asker(lane: body.lane, operatorName: body.operatorName, till: context.till)
            let answer = try await self.desk.perform(operation, on: code, by: asker, idempotencyKey: body.idempotencyKey)
            return JSONResponse.make(.ok, OutcomeJSON.line(answer, operation: operation, code: code))
        } catch let error as APIError {
            return error.response
        } catch let error as LedgerError where error.code == .idempotencyKeyReused {
            return APIError(status: .conflict, code: "idempotency_key_reused", message: error.message).response
        } catch {
            return APIError.internal("not_recorded", "the ledger could not record the operation; nothing was recorded", error,
                                     logger: context.logger).response
        }
    }

    /// `GET /v1/status`: what `storegate status --json` shows, with the link's live status under `daemon`.
    func status(_ context: POSRequestContext) async -> Response {
        do {
            let daemon = self.desk.linkStatus
            let data = try await self.desk.ledger.async.run { try StatusReport(ledger: $0, daemon: daemon).json }
            return JSONResponse.make(.ok, bytes: Array(data))
        } catch {
            return APIError.internal("ledger_unavailable", "the ledger cannot be read", error, logger: context.logger).response
        }
    }

    /// `GET /v1/codes/{id}`: a canonical id (its slashes as they are, or percent-encoded) or a scan.
    func code(_ path: String, _ context: POSRequestContext) async -> Response {
        let text = path.removingPercentEncoding ?? path
        guard let id = ScanText.parse(text, parser: self.parser).id else {
            return APIError(status: .badRequest, code: "invalid_code", message: "\(text) is not a code").response
        }
        do {
            let history = try await self.desk.ledger.async.history(codeID: id)
            guard history.record != nil || !history.events.isEmpty else {
                return APIError(status: .notFound, code: "unknown_code", message: "\(id) is not in the registry and was never scanned here").response
            }
            return JSONResponse.make(.ok, bytes: try HQJSON.encode(CodeHistoryJSON(id: id, history: history)))
        } catch {
            return APIError.internal("ledger_unavailable", "the ledger cannot be read", error, logger: context.logger).response
        }
    }

    static let idempotencyKeyHeader = HTTPField.Name("Idempotency-Key")!
    static let lastEventIDHeader = HTTPField.Name("Last-Event-ID")!
}

/// Counts every answer by status class for `/metrics`, and answers what the router refuses (no route for the path
/// and method) with the API's error object.
struct RequestAccounting: RouterMiddleware {
    typealias Context = POSRequestContext
    let metrics: GatewayMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            let status = error.status
            let code = status == .notFound ? "not_found" : "http_\(status.code)"
            response = APIError(status: status, code: code, message: "\(request.method) \(request.uri.path): \(status.reasonPhrase)").response
        }
        self.metrics.countRequest(status: response.status.code)
        return response
    }
}
