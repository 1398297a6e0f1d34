import Hummingbird
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger

/// `POST /v1/sales` (a basket) and `POST /v1/returns`, through the same ``OperationDesk`` as every operation.
struct SalesRoutes: Sendable {
    let configuration: APIConfiguration
    let desk: OperationDesk
    let parser = CodeParser()

    func register(on router: Router<POSRequestContext>) {
        router.post("/v1/sales") { request, context in await self.sale(request, context) }
        router.post("/v1/returns") { request, context in await self.takeBack(request, context) }
    }

    /// 200 with the `sale` event (or a dry run's answer), or 422 with each line's result (nothing changed).
    func sale(_ request: Request, _ context: POSRequestContext) async -> Response {
        do {
            let bytes = try await self.body(request)
            let desk = self.desk
            let configuration = self.configuration
            let till = context.till
            let outcome = try await desk.ledger.async.run { _ in
                let sale = try desk.readBasket(bytes)
                let asker = try Self.asker(configuration, lane: sale.lane, operatorName: sale.operatorName, till: till)
                return try desk.sell(sale, by: asker)
            }
            let status: HTTPResponse.Status = outcome.accepted || outcome.dryRun ? .ok : .unprocessableContent
            return JSONResponse.make(status, SaleOutcomeJSON.sale(outcome))
        } catch {
            return Self.refusal(error, context)
        }
    }

    /// 200 with the `return` event, or 422 `return_refused` (nothing changed).
    func takeBack(_ request: Request, _ context: POSRequestContext) async -> Response {
        do {
            let bytes = try await self.body(request)
            let (desk, parser, configuration, till) = (self.desk, self.parser, self.configuration, context.till)
            let outcome = try await desk.ledger.async.run { _ in
                let document = try BasketDocument.return(bytes, parser: parser)
                let asker = try Self.asker(configuration, lane: document.lane, operatorName: document.operatorName, till: till)
                let context = DecisionContext(lane: asker.lane, operator: asker.operatorName, role: asker.role, time: asker.time)
                return try desk.takeBack(SaleReturn(returnID: document.returnID, receipt: document.receipt, items: document.items,
                                                    context: context), by: asker)
            }
            return JSONResponse.make(.ok, SaleOutcomeJSON.return(outcome))
        } catch {
            return Self.refusal(error, context)
        }
    }

    /// Without a token a document must name its lane; its absence is reported as a problem of the document's fields.
    private static func asker(_ configuration: APIConfiguration, lane: String?, operatorName: String?,
                              till: TillIdentity?) throws -> OperationDesk.Asker {
        guard till != nil || lane != nil else { throw BasketDocument.Problem(field: "lane", message: "is required") }
        return try configuration.asker(lane: lane, operatorName: operatorName, till: till)
    }

    private func body(_ request: Request) async throws -> [UInt8] {
        var request = request
        do {
            return Array(buffer: try await request.collectBody(upTo: self.configuration.basketBodyLimit))
        } catch {
            throw APIError.bodyTooLarge(limit: self.configuration.basketBodyLimit)
        }
    }

    private static func refusal(_ error: any Error, _ context: POSRequestContext) -> Response {
        switch error {
        case let error as APIError:
            return error.response
        case let problem as BasketDocument.Problem:
            return APIError.invalidField(problem.field, problem.message).response
        case let error as LedgerError where error.code == .idempotencyKeyReused:
            return APIError(status: .conflict, code: "idempotency_key_reused", message: error.message).response
        case let error as LedgerError where error.code == .returnRefused:
            return APIError(status: .unprocessableContent, code: "return_refused", message: error.message).response
        default:
            return APIError.internal("not_recorded", "the ledger could not record it; nothing was recorded", error, logger: context.logger).response
        }
    }
}
