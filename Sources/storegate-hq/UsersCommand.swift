import ArgumentParser
import Foundation
import StoregateContract
import StoregateCore
import StoregateFoundation
import StoregateHQ
import StoregateHQConsole

#if canImport(Glibc)
import Glibc
#endif

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "The console's users (roles: viewer, operator, admin).",
        subcommands: [UsersAddCommand.self, UsersListCommand.self])
}

struct UsersAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a console user. The password comes from --password-file, or stdin (asked twice on a terminal); never from the command line.")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The user name (1–64 letters, digits, '.', '_', '-', '@').") var name: String
    @Option(help: "viewer (reads every page), operator (also acknowledges alerts) or admin.") var role: String
    @Option(help: "A file whose first line is the password.") var passwordFile: String?

    func validate() throws {
        do { try ConsoleUsers.checkName(self.name) } catch { throw ValidationError(error.message) }
        guard ConsoleRole(rawValue: self.role) != nil else {
            throw ValidationError("--role \(self.role): use one of \(ConsoleRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        let configuration = try self.options.load()
        let logger = self.options.logger(configuration, label: "storegate-hq")
        let password = try self.readPassword()
        do {
            try ConsoleUsers.checkPassword(password)
        } catch {
            FileHandle.standardError.write(Data("storegate-hq: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        let user: ConsoleUsers.User
        do {
            user = try await withDatabase(configuration, logger: logger) { database in
                try await database.migrate()
                return try await ConsoleUsers(database: database, logger: logger).add(name: self.name, role: ConsoleRole(rawValue: self.role) ?? .viewer, password: password,
                                                                                      now: Timestamp.now.milliseconds)
            }
        } catch let error as ConsoleError {
            FileHandle.standardError.write(Data("storegate-hq: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        print("added \(user.name) (\(user.role.rawValue))")
    }

    private func readPassword() throws -> String {
        if let file = self.passwordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                FileHandle.standardError.write(Data("storegate-hq: cannot read the password file \(file)\n".utf8))
                throw ExitCode(2)
            }
            return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }
        if isatty(STDIN_FILENO) == 1 {
            let first = getpass("Password for \(self.name): ").map { String(cString: $0) } ?? ""
            let second = getpass("Again: ").map { String(cString: $0) } ?? ""
            guard first == second else {
                FileHandle.standardError.write(Data("storegate-hq: the two passwords differ; nothing was added\n".utf8))
                throw ExitCode(2)
            }
            return first
        }
        return readLine(strippingNewline: true) ?? ""
    }
}

struct UsersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The console's users, their roles, and who is disabled.")
    @OptionGroup var options: ConfigOption
    @Flag(help: "JSON for machines.") var json = false

    func run() async throws {
        let configuration = try self.options.load()
        let logger = self.options.logger(configuration, label: "storegate-hq")
        let users = try await withDatabase(configuration, logger: logger) { database in
            try await database.migrate()
            return try await ConsoleUsers(database: database, logger: logger).list()
        }
        if self.json {
            print(String(decoding: try HQJSON.encode(users), as: UTF8.self))
        } else if users.isEmpty {
            print("no users: add one with `storegate-hq users add NAME --role admin`")
        } else {
            for user in users {
                let disabled = user.disabledMs.map { "\tdisabled \(Self.time($0))" } ?? ""
                print("\(user.name)\t\(user.role.rawValue)\tadded \(Self.time(user.createdMs))\(disabled)")
            }
        }
    }

    private static func time(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1_000).formatted(.iso8601)
    }
}
