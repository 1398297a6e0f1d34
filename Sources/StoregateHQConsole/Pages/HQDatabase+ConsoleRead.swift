import Logging
import PostgresNIO
import StoregateHQ

extension HQDatabase {
    /// One read of a console page: a read-only transaction with PostgreSQL's JIT off. The pages' queries read tens of
    /// thousands of rollup rows at most, but their estimates can cross `jit_above_cost`, and compiling then took
    /// 150–280 ms, several times the query itself (measured with a year of rollups for 1,000 stores).
    func consoleRead<Result: Sendable>(logger: Logger, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await self.transaction { connection in
            try await connection.query("SET TRANSACTION READ ONLY", logger: logger)
            try await connection.query("SET LOCAL jit = off", logger: logger)
            return try await body(connection)
        }
    }
}
