import PostgresNIO

/// PostgreSQL refused the data of a statement (SQLSTATE class 22 data exception, 23 integrity constraint, 54 program
/// limit such as an index row too large): the same rows are refused at every retry, unlike a lost connection, a
/// deadlock or a restart, which pass.
struct DatabaseRefusal: CustomStringConvertible {
    var sqlState: String
    var message: String

    init?(_ error: any Error) {
        guard let error = Self.serverError(error), let state = error.serverInfo?[.sqlState],
              ["22", "23", "54"].contains(String(state.prefix(2))) else { return nil }
        self.sqlState = state
        self.message = error.serverInfo?[.message] ?? ""
    }

    /// The server's error, also from inside a transaction's wrapping.
    private static func serverError(_ error: any Error) -> PSQLError? {
        if let error = error as? PostgresTransactionError {
            return (error.beginError ?? error.closureError ?? error.commitError).flatMap(Self.serverError)
        }
        return error as? PSQLError
    }

    var description: String { "\(self.message) (SQLSTATE \(self.sqlState))" }
}
