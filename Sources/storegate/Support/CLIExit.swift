import ArgumentParser

/// Maps any error to storegate's exit statuses (ArgumentParser would use 64 for usage errors).
enum CLIExit {
    static let usageOrIOError = ExitCode(2)

    static func normalise(_ error: any Error) -> any Error {
        if let exit = error as? ExitCode { return exit }
        let status = Storegate.exitCode(for: error)
        if status == .success { return error }  // --help, --version
        let message = Storegate.fullMessage(for: error)
        if !message.isEmpty { printError(message) }
        return usageOrIOError
    }
}
