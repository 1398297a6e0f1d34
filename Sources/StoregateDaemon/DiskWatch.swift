public import ServiceLifecycle
public import StoregateLedger

/// Runs the ``DiskGuard``'s upkeep every few seconds (free space, pruning, taking the reserve back), so that a
/// disk freed by an operator is noticed even while no one scans.
public struct DiskWatch: Service {
    let disk: DiskGuard
    let interval: Duration

    public init(disk: DiskGuard, interval: Duration = .seconds(5)) {
        self.disk = disk
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await self.disk.maintainOffThePool()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }
}
