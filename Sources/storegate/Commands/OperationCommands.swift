import ArgumentParser

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "(not yet implemented)")
}
struct ReceiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "receive", abstract: "(not yet implemented)")
}
struct SellCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sell", abstract: "(not yet implemented)")
}
struct RedeemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redeem", abstract: "(not yet implemented)")
}
struct VoidCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "void", abstract: "(not yet implemented)")
}
