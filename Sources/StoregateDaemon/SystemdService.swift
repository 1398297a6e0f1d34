public import ServiceLifecycle

/// Tells systemd READY=1 once the group runs, pings WATCHDOG=1 at half `WatchdogSec`, and says STOPPING=1 on
/// graceful shutdown. The watchdog ping only goes out while this task is scheduled, so a wedged cooperative pool
/// gets the daemon restarted.
public struct SystemdService: Service {
    let notifier: SystemdNotifier
    let status: @Sendable () -> String

    public init(notifier: SystemdNotifier = SystemdNotifier(), status: @escaping @Sendable () -> String) {
        self.notifier = notifier
        self.status = status
    }

    public func run() async throws {
        self.notifier.notify("READY=1\nSTATUS=\(self.status())")
        let interval = SystemdNotifier.watchdogInterval() ?? .seconds(10)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            self.notifier.notify("WATCHDOG=1\nSTATUS=\(self.status())")
        }
        self.notifier.notify("STOPPING=1")
    }
}
