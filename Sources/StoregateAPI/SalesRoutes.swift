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

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/sales") { request, _ in await self.sale(request) }
        router.post("/v1/returns") { request, _ in await self.takeBack(request) }
    }

    /// 200 with the `sale` event, or 422 `basket_rejected` with each line's result (nothing changed).
    func sale(_ request: Request) async -> Response {
        do {
            let bytes = try await self.body(request)
            let desk = self.desk
            let configuration = self.configuration
            let outcome = try await desk.ledger.async.run { _ in
                let sale = try desk.readBasket(bytes)
                guard let lane = sale.lane else { throw BasketDocument.Problem(field: "lane", message: "is required") }
                let asker = OperationDesk.Asker(lane: lane, role: configuration.role(ofLane: lane),
                                                operatorName: sale.operatorName ?? "lane-\(lane)", time: .now, origin: .api)
                return try desk.sell(sale, by: asker)
            }
            let status: HTTPResponse.Status = outcome.accepted || outcome.dryRun ? .ok : .unprocessableContent
            return JSONResponse.make(status, SaleOutcomeJSON.sale(outcome))
        } catch {
            return Self.refusal(error)
        }
    }

    /// 200 with the `return` event, or 422 `return_refused` (nothing changed).
    func takeBack(_ request: Request) async -> Response {
        do {
            let bytes = try await self.body(request)
            let (desk, parser, configuration) = (self.desk, self.parser, self.configuration)
            let outcome = try await desk.ledger.async.run { _ in
                let document = try BasketDocument.return(bytes, parser: parser)
                guard let lane = document.lane else { throw BasketDocument.Problem(field: "lane", message: "is required") }
                let asker = OperationDesk.Asker(lane: lane, role: configuration.role(ofLane: lane),
                                                operatorName: document.operatorName ?? "lane-\(lane)", time: .now, origin: .api)
                let context = DecisionContext(lane: asker.lane, operator: asker.operatorName, role: asker.role, time: asker.time)
                return try desk.takeBack(SaleReturn(returnID: document.returnID, receipt: document.receipt, items: document.items,
                                                    context: context), by: asker)
            }
            return JSONResponse.make(.ok, SaleOutcomeJSON.return(outcome))
        } catch {
            return Self.refusal(error)
        }
    }

    private func body(_ request: Request) async throws -> [UInt8] {
        var request = request
        do {
            return Array(buffer: try await request.collectBody(upTo: self.configuration.basketBodyLimit))
        } catch {
            throw APIError.bodyTooLarge(limit: self.configuration.basketBodyLimit)
        }
    }

    private static func refusal(_ error: any Error) -> Response {
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
            return APIError(status: .serviceUnavailable, code: "not_recorded",
                            message: "the ledger could not record it; nothing was recorded").response
        }
    }
}
