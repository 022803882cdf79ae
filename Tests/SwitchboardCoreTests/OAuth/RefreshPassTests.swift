import Crypto
import Foundation
import Synchronization
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

/// A refresh pass's workers (issue 12: one per request in flight, each taking the next
/// lease itself): every due connection once, at most `concurrency` requests at a time,
/// and a cancelled pass finishes what it sent and gives back what it did not start.
@Suite struct RefreshPassTests {
    /// Answers each refresh_token request with new tokens once `open()` is called; counts
    /// what is in flight. A request whose task was cancelled fails, as curl's would.
    final class GatedTransport: HTTPTransport {
        private struct State {
            var open = false
            var waiting: [CheckedContinuation<Void, Never>] = []
            var inFlight = 0
            var mostInFlight = 0
            var sent: [String] = []
        }
        private let state = Mutex(State())

        func open() {
            let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.open = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }

        var inFlight: Int { state.withLock { $0.inFlight } }
        var mostInFlight: Int { state.withLock { $0.mostInFlight } }
        var sent: [String] { state.withLock { $0.sent } }

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            let refresh = FormEncoding.decodeFields(String(decoding: request.body ?? Data(), as: UTF8.self))["refresh_token"] ?? ""
            state.withLock { state in
                state.inFlight += 1
                state.mostInFlight = max(state.mostInFlight, state.inFlight)
                state.sent.append(refresh)
            }
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.open { return true }
                    state.waiting.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
            state.withLock { $0.inFlight -= 1 }
            try Task.checkCancellation()
            let body = #"{"access_token":"new-\#(refresh)","refresh_token":"next-\#(refresh)","expires_in":3600}"#
            return HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]), body: Data(body.utf8))
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String { "the condition did not come true within 120 s" }
    }

    static func waitUntil(_ condition: () -> Bool) async throws {
        // Generous: in a full parallel pass other suites hold the cooperative threads for long.
        let deadline = ContinuousClock.now + .seconds(120)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("every due connection is refreshed once, never more than `concurrency` at a time, results told one by one")
    func everyConnectionOnce() async throws {
        let f = try OAuthStoreFixture()
        let due = try RefreshLeaseBatchTests.manyDue(f, count: 40)
        let transport = GatedTransport()
        transport.open()
        let told = Mutex<[RefreshResult]>([])
        let refresher = TokenRefresher(store: f.store, transport: transport, concurrency: 3, batchSize: 7)
        let report = try await refresher.refreshDue(RefreshSelection(within: 300)) { result in told.withLock { $0.append(result) } }
        #expect(report.refreshed == due.count)
        #expect(report.skipped == 0)
        #expect(told.withLock { $0 } == report.results)
        #expect(Set(transport.sent) == Set((0..<40).map { "RT-\($0)" }) && transport.sent.count == 40)
        #expect(transport.mostInFlight <= 3)
        #expect(try f.store.dueRefreshes(RefreshSelection(within: 300)).isEmpty)
    }

    @Test("a cancelled pass lets the requests in flight finish and store their tokens, starts no other, gives back the rest")
    func cancelledPass() async throws {
        let f = try OAuthStoreFixture()
        let due = try RefreshLeaseBatchTests.manyDue(f, count: 6)
        let transport = GatedTransport()
        let refresher = TokenRefresher(store: f.store, transport: transport, concurrency: 2, batchSize: 32)
        let pass = Task { try await refresher.refreshDue(RefreshSelection(within: 300)) }
        try await Self.waitUntil { transport.inFlight == 2 }
        pass.cancel()
        transport.open()
        let report = try await pass.value
        #expect(report.results.count == 2)
        #expect(report.refreshed == 2, "\(report.results)")
        #expect(transport.sent.count == 2)
        // Two have new tokens; the four others were given back untouched and are still due.
        let stillDue = try f.store.dueRefreshes(RefreshSelection(within: 300))
        #expect(stillDue.count == 4 && Set(stillDue).isSubset(of: Set(due)))
        let held = try f.store.database.read { db in
            try db.value(Int.self, "SELECT COUNT(*) FROM \"token\" WHERE \"leaseOwner\" IS NOT NULL")
        }
        #expect(held == 0)
    }

    @Test("a pass whose lease taking fails throws the failure, sends nothing and holds no lease")
    func leaseTakingFails() async throws {
        let f = try OAuthStoreFixture()
        _ = try RefreshLeaseBatchTests.manyDue(f, count: 6)
        let transport = GatedTransport()
        transport.open()
        // Another master key: listing what is due needs none, taking a lease opens the box.
        let wrongBox = SecretBox(key: SymmetricKey(size: .bits256), keySource: "another key")
        let store = Store(database: f.store.database, actor: Actor(user: "tester", role: .team, source: "test")) { wrongBox }
        let refresher = TokenRefresher(store: store, transport: transport, concurrency: 2, batchSize: 3)
        await #expect(throws: (any Error).self) { _ = try await refresher.refreshDue(RefreshSelection(within: 300)) }
        #expect(transport.sent.isEmpty)
        let held = try f.store.database.read { db in
            try db.value(Int.self, "SELECT COUNT(*) FROM \"token\" WHERE \"leaseOwner\" IS NOT NULL")
        }
        #expect(held == 0)
        #expect(try f.store.dueRefreshes(RefreshSelection(within: 300)).count == 6)
    }
}
