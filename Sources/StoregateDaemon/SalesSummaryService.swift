import Logging
import ServiceLifecycle
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger

/// Writes the `sales_summary` event at every period boundary of the store's wall clock and once more at clean
/// shutdown (after the pipeline and the API stopped taking operations, before the link flushes), so the last
/// events of a day are summarised before the gateway goes away.
struct SalesSummaryService: Service {
    let summarizer: SalesSummarizer
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Timestamp.now
            let offset = (try? self.summarizer.ledger.policy().utcOffsetMinutes) ?? 0
            let boundary = SalesSummarizer.nextBoundary(after: now, periodMinutes: self.summarizer.periodMinutes, utcOffsetMinutes: offset)
            let wait = Duration.milliseconds(boundary.milliseconds - now.milliseconds)
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                break
            }
            await self.write(periodEnd: boundary)
        }
        await self.write(periodEnd: .now)
    }

    private func write(periodEnd: Timestamp) async {
        let summarizer = self.summarizer
        do {
            let event = try await summarizer.ledger.async.run { _ in try summarizer.write(periodEnd: periodEnd, at: .now) }
            if let event { self.logger.info("sales summary written", metadata: ["seq": "\(event.seq)"]) }
        } catch {
            // The next boundary covers the same events again: nothing is lost by a failed write.
            self.logger.error("cannot write the sales summary: \(error)")
        }
    }
}
