import Logging
import ServiceLifecycle
import StoregateCore
import StoregateFoundation
import StoregateGateway
import StoregateLedger
import Synchronization

/// Writes the `sales_summary` event at every period boundary of the store's wall clock and once more when the
/// gateway stops: at graceful shutdown (after the pipeline and the API stopped taking operations, before the link
/// flushes), or, with `--exit-when-drained`, as soon as the scan sources are finished, so that the link drains the
/// last summary too before the gateway exits.
final class SalesSummaryService: Service, Sendable {
    let summarizer: SalesSummarizer
    let logger: Logger
    /// `--exit-when-drained`: true once no more operations come (the sources are finished).
    private let sourcesFinished: (@Sendable () -> Bool)?
    private let finalWritten = Atomic<Bool>(false)

    init(summarizer: SalesSummarizer, logger: Logger, sourcesFinished: (@Sendable () -> Bool)? = nil) {
        self.summarizer = summarizer
        self.logger = logger
        self.sourcesFinished = sourcesFinished
    }

    /// True once the last summary is written (the link's drained mode waits for it).
    var isFinished: Bool { self.finalWritten.load(ordering: .sequentiallyConsistent) }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled && !self.isFinished {
            let now = Timestamp.now
            let offset = (try? self.summarizer.ledger.policy().utcOffsetMinutes) ?? 0
            let boundary = SalesSummarizer.nextBoundary(after: now, periodMinutes: self.summarizer.periodMinutes, utcOffsetMinutes: offset)
            let untilBoundary = Duration.milliseconds(boundary.milliseconds - now.milliseconds)
            let wait = self.sourcesFinished == nil ? untilBoundary : min(untilBoundary, .milliseconds(100))
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                break
            }
            if let sourcesFinished, sourcesFinished() {
                await self.write(periodEnd: .now)
                self.finalWritten.store(true, ordering: .sequentiallyConsistent)
            } else if Timestamp.now.milliseconds >= boundary.milliseconds {
                await self.write(periodEnd: boundary)
            }
        }
        if !self.isFinished {
            await self.write(periodEnd: .now)
            self.finalWritten.store(true, ordering: .sequentiallyConsistent)
        }
        // Drained mode: stay until the group shuts down, so the link is not told the group is ending early.
        if self.sourcesFinished != nil { try? await gracefulShutdown() }
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
