import ArgumentParser

struct CodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codes", abstract: "HQ-side code tools (not yet implemented).")
}
