import Foundation

/// Where the store lives and how it runs transactions: SQLite (GRDB, the embedded
/// default) or PostgreSQL (postgres-nio, for a team on several hosts). `Store` runs the
/// same SQL through either.
package protocol StoreEngine: Sendable {
    var dialect: SQLDialect { get }
    /// The file path, or the URL without its password: what messages and `db` commands name.
    var location: String { get }
    /// A consistent read (one snapshot).
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    /// A write transaction: all of `body` or nothing; writers never interleave.
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    /// A source of "something was committed" signals from any process or host.
    func changeSignal() throws -> any StoreChangeSignal
    /// The names of the applied migrations, oldest first.
    func appliedMigrations() throws -> [String]
    /// How far the server's clock is ahead of this host's, in seconds (0 with no server).
    var clockOffset: TimeInterval { get }
}

/// A number that changes whenever anything is committed to the store, by anyone.
package protocol StoreChangeSignal: Sendable {
    /// The current number, or nil when it cannot be read.
    func version() -> Int?
    /// Returns when a commit may have happened: at once on an engine that announces
    /// commits (PostgreSQL's NOTIFY), else after `timeout` (the polling fallback).
    func waitForCommit(upTo timeout: Duration) async
}

extension StoreChangeSignal {
    package func waitForCommit(upTo timeout: Duration) async {
        try? await Task.sleep(for: timeout)
    }
}
