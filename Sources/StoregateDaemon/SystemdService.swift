public import Logging
public import ServiceLifecycle

/// Tells systemd READY=1 once the group runs, pings WATCHDOG=1 at half `WatchdogSec`, and says STOPPING=1 on
/// graceful shutdown. A ping goes out only when ``Liveness`` finds every working part moving (and only while this
/// task is scheduled, so a wedged cooperative pool sends none either): a stuck part gets the daemon restarted.
public struct SystemdService: Service {
    let notifier: SystemdNotifier
    let liveness: Liveness?
    let logger: Logger
    let status: @Sendable () -> String

    public init(notifier: SystemdNotifier = SystemdNotifier(), liveness: Liveness?, logger: Logger,
                status: @escaping @Sendable () -> String) {
        self.notifier = notifier
        self.liveness = liveness
        self.logger = logger
        self.status = status
    }

    /// How often to ping: half of systemd's `WatchdogSec`, or every 10 s without one (STATUS stays fresh).
    public static var interval: Duration { SystemdNotifier.watchdogInterval() ?? .seconds(10) }

    public func run() async throws {
        self.notifier.notify("READY=1\nSTATUS=\(self.status())")
        var withheld = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }
            if Task.isShuttingDownGracefully { break }
            let problems = self.liveness?.problems() ?? []
            if problems.isEmpty {
                if withheld { self.logger.notice("watchdog: every part moves again") }
                withheld = false
                self.notifier.notify("WATCHDOG=1\nSTATUS=\(self.status())")
            } else {
                // Said once per stall; systemd restarts the service when WatchdogSec passes without a ping.
                if !withheld { self.logger.error("watchdog not pinged: \(problems.joined(separator: "; "))") }
                withheld = true
                self.notifier.notify("STATUS=stuck: \(problems.joined(separator: "; "))")
            }
        }
        self.notifier.notify("STOPPING=1")
    }
}
