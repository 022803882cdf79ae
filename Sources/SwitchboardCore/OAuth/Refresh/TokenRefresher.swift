import Foundation
import Synchronization

/// What happened to one connection in a refresh pass.
package struct RefreshResult: Sendable, Equatable {
    package enum Outcome: Sendable, Equatable {
        case refreshed(expiresAt: String?)
        /// Network trouble or 5xx: status unchanged, tried again after `retryAt`.
        case retryLater(reason: String, retryAt: String?)
        /// Temporary failures for longer than the give-up period: status error, still
        /// tried again after `retryAt` (an outage that ends heals by itself).
        case failing(reason: String, retryAt: String?)
        /// A final refusal (`invalid_grant`…): status error, automatic refresh stopped.
        case failed(reason: String)
        /// The tokens changed while the refresh ran (reconnected); the result was dropped.
        case discarded
    }

    package var instance: String
    package var variable: String
    package var outcome: Outcome
}

package struct RefreshReport: Sendable {
    package var results: [RefreshResult] = []
    /// Due connections another process was refreshing, or that were refreshed meanwhile.
    package var skipped = 0

    package var refreshed: Int { results.filter { if case .refreshed = $0.outcome { true } else { false } }.count }
    package var retryLater: Int { results.filter { if case .retryLater = $0.outcome { true } else { false } }.count }
    package var failed: Int { results.filter { if case .failed = $0.outcome { true } else { false } }.count }
    package var failing: Int { results.filter { if case .failing = $0.outcome { true } else { false } }.count }
}

/// Refreshes tokens before they expire (SPEC §6): one refresh per connection at a time
/// even across processes (a lease in the database), the rotated refresh token committed
/// before anything else, temporary failures retried later with backoff (the badge turning
/// red once they have lasted `giveUpAfter`), final ones turning it red at once. Due means
/// the access token expires within the window, or the type's `keepAlive` has passed since
/// the tokens were obtained. Requests run concurrently up to `concurrency`.
package struct TokenRefresher: Sendable {
    package let store: Store
    package let transport: any HTTPTransport
    package var concurrency: Int
    /// Longer than a token request can take, so a live lease never expires mid-refresh.
    package var leaseDuration: TimeInterval
    /// First retry delay after a temporary failure; doubles with each failure, up to 15 min.
    package var backoffBase: TimeInterval
    /// How long temporary failures may go on before the badge turns red.
    package var giveUpAfter: TimeInterval
    /// Leases taken per database transaction.
    package var batchSize: Int
    /// Identifies this process's leases.
    package let owner: String
    /// Runs the workers on the transport's own thread (`HTTPTransport.taskExecutor`) when it
    /// has one. For a batch (`switchboard refresh`): a refresh alternates between a request
    /// and a few quick database statements, and on the cooperative pool every alternation
    /// was a hand-off between threads (perf stat, 1,000 refreshes at concurrency 8: 4.6 context
    /// switches a refresh on the pool, 2.5 here; CPU 1.17 -> 1.07 ms).
    /// The price: while a worker waits on the database, curl's thread waits with it, and a
    /// transfer's clock runs on (libcurl checks its timeout before it reads an answer that
    /// has arrived). So it is off where database work can take long: a PostgreSQL store,
    /// `--watch` (its lines can wait on a reader's pipe), and a single refresh inside the
    /// wizard; with SQLite a write waits at most its 15 s busy timeout, under the 30 s
    /// request timeout, when another process holds the write lock.
    package var workersOnTransportThread: Bool

    package init(store: Store, transport: any HTTPTransport, concurrency: Int = 8, leaseDuration: TimeInterval = 120,
                backoffBase: TimeInterval = 30, giveUpAfter: TimeInterval = RefreshHealth.defaultGiveUpPeriod, batchSize: Int = 32,
                workersOnTransportThread: Bool = false) {
        self.store = store
        self.transport = transport
        self.concurrency = max(1, concurrency)
        self.leaseDuration = leaseDuration
        self.backoffBase = backoffBase
        self.giveUpAfter = max(0, giveUpAfter)
        self.batchSize = max(1, batchSize)
        self.workersOnTransportThread = workersOnTransportThread
        owner = "\(ProcessInfo.processInfo.hostName):\(getpid()):\(Base64URL.encode(SecureRandom.bytes(6)))"
    }

    /// One pass over the connections that are due. A cancelled pass starts no new refresh
    /// but lets those in flight finish and store their tokens (a provider that rotated a
    /// refresh token has already forgotten the old one).
    package func refreshDue(_ selection: RefreshSelection, onResult: @escaping @Sendable (RefreshResult) -> Void = { _ in }) async throws -> RefreshReport {
        // The store's clock, so a test's clock decides what is due as it decides the rest.
        let pass = RefreshPass(due: try store.dueRefreshes(selection, now: store.clock.now()))
        // Integration versions decoded once per pass, not once per batch.
        let integrations = IntegrationCache(box: nil)
        let take: @Sendable ([Int64]) throws -> [RefreshLease] = { [store, owner, leaseDuration] batch in
            try store.acquireRefreshLeases(batch, owner: owner, selection: selection, leaseDuration: leaseDuration, now: store.clock.now(),
                                           integrations: integrations)
        }
        // One worker per request in flight, each taking the next lease as soon as its last
        // refresh is stored. A task per refresh handed each result back to the pass and each
        // lease out again: two thread wake-ups more a refresh (perf stat: 5.5 context
        // switches a refresh, against curl's 1.5 a request). Unstructured on purpose:
        // cancelling the pass must not cut a refresh between the provider's answer and
        // the store; it only stops the workers from taking new leases.
        // Asked only when something is due: asking loads libcurl.
        let executor = workersOnTransportThread && pass.dueCount > 0 ? transport.taskExecutor : nil
        await withTaskCancellationHandler {
            let workers = (0..<min(concurrency, pass.dueCount)).map { _ in
                Task(executorPreference: executor) {
                    while let lease = await pass.next(batchSize: batchSize, take: take) {
                        pass.finished(await refresh(lease), onResult: onResult)
                    }
                }
            }
            for worker in workers { await worker.value }
        } onCancel: {
            pass.stop()
        }
        // Leases taken but not started (cancelled pass): give them back.
        let (report, unstarted, failure) = pass.outcome()
        for lease in unstarted { try? store.releaseRefreshLease(lease) }
        if let failure { throw failure }
        return report
    }

    func refresh(_ lease: RefreshLease) async -> RefreshResult {
        let connection = lease.connection
        func result(_ outcome: RefreshResult.Outcome) -> RefreshResult {
            RefreshResult(instance: connection.instanceName, variable: connection.variable, outcome: outcome)
        }
        let failure: OAuthError
        do {
            let response = try await OAuthFlows(store: store, transport: transport)
                .exchange(OAuthRequests.token(client: connection.client, grant: lease.grant), connection: connection)
            do {
                guard let token = try store.storeRefreshedTokens(lease, response) else { return result(.discarded) }
                return result(.refreshed(expiresAt: token.expiresAt))
            } catch {
                // The provider answered but the database refused: nothing else can be done
                // with the tokens; the next refresh will report the provider's view.
                try? store.logOAuth(connection, level: .error, "Token refresh answered but could not be stored: \(outside: error)")
                // What the caller prints, as for a failure below: the database's words can
                // quote a value (PostgreSQL's messages do), and a customer reads none of the
                // hidden ones.
                return result(.retryLater(reason: connection.readerText("\(error)"), retryAt: nil))
            }
        } catch let oauthError as OAuthError {
            failure = oauthError
        } catch {
            failure = .network(connection.redactor().redact("\(error)"))
        }
        // What the caller prints: for a customer also without hidden fields.
        let reason = connection.readerText(failure.description)
        do {
            switch try store.recordRefreshFailure(lease, failure, backoffBase: backoffBase, giveUpAfter: giveUpAfter) {
            case .retrying(let retryAt): return result(.retryLater(reason: reason, retryAt: Timestamp.string(from: retryAt)))
            case .failing(let retryAt): return result(.failing(reason: reason, retryAt: Timestamp.string(from: retryAt)))
            case .stopped: return result(.failed(reason: reason))
            // Newer tokens were stored meanwhile: this failure was about the old ones.
            case nil: return result(.discarded)
            }
        } catch {
            return result(.retryLater(reason: "\(reason) (and the failure could not be recorded: \(error))", retryAt: nil))
        }
    }
}

/// What one refresh pass shares between its workers: the connections still due, the
/// leases taken and not started, the report, and whether to go on.
private final class RefreshPass: Sendable {
    private struct State {
        var queue: ArraySlice<Int64>
        var leased: [RefreshLease] = []
        var report = RefreshReport()
        var stopped = false
        var failure: (any Error)?
        /// A worker is taking a batch (outside the lock); the others wait for it here.
        var taking = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private enum Step {
        case lease(RefreshLease)
        case take([Int64])
        case wait
        case done
    }

    private let state: Mutex<State>
    /// Results are told one at a time, under a lock of their own: a reader that stalls
    /// (`refresh --watch | less`) holds up the workers that finish, not `stop()`.
    private let telling = Mutex(())
    let dueCount: Int

    init(due: [Int64]) {
        dueCount = due.count
        state = Mutex(State(queue: due[...]))
    }

    /// The next lease to refresh, taking a batch (`take`, one transaction, outside the
    /// lock) when none is left; nil once the pass is stopped, done or failed. While one
    /// worker takes a batch the others wait for it without holding a thread.
    func next(batchSize: Int, take: ([Int64]) throws -> [RefreshLease]) async -> RefreshLease? {
        while true {
            let step = state.withLock { state -> Step in
                if state.stopped { return .done }
                if let lease = state.leased.popLast() { return .lease(lease) }
                if state.taking { return .wait }
                guard !state.queue.isEmpty else { return .done }
                let batch = Array(state.queue.prefix(batchSize))
                state.queue = state.queue.dropFirst(batch.count)
                state.taking = true
                return .take(batch)
            }
            switch step {
            case .lease(let lease): return lease
            case .done: return nil
            case .wait:
                await withCheckedContinuation { continuation in
                    let waits = state.withLock { state -> Bool in
                        guard state.taking && !state.stopped else { return false }
                        state.waiting.append(continuation)
                        return true
                    }
                    if !waits { continuation.resume() }
                }
            case .take(let batch):
                let taken = Result { try take(batch) }
                let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.taking = false
                    switch taken {
                    case .success(let leased):
                        state.report.skipped += batch.count - leased.count
                        state.leased = leased.reversed()
                    case .failure(let error):
                        state.failure = error
                        state.stopped = true
                    }
                    defer { state.waiting = [] }
                    return state.waiting
                }
                for continuation in waiting { continuation.resume() }
            }
        }
    }

    /// Records a result and tells the caller, one result at a time and in the report's
    /// order. (The state's lock is never held while this one is taken, so `stop()` does
    /// not wait for a stalled reader.)
    func finished(_ result: RefreshResult, onResult: (RefreshResult) -> Void) {
        telling.withLock { _ in
            state.withLock { $0.report.results.append(result) }
            onResult(result)
        }
    }

    func stop() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.stopped = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func outcome() -> (RefreshReport, unstarted: [RefreshLease], failure: (any Error)?) {
        state.withLock { ($0.report, $0.leased, $0.failure) }
    }
}
