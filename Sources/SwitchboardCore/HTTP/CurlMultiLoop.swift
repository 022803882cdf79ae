import CCurl
import Foundation
import Synchronization

/// Runs every transfer of one `CurlTransport` on a single dedicated thread through one curl
/// multi handle.
///
/// Why this shape: libcurl calls block, so they must stay off Swift's cooperative pool (two
/// threads on a small machine). A multi handle drives any number of transfers from one
/// thread — as `curl --parallel` does — and owns the connection cache and DNS cache, so
/// keep-alive connections are reused across requests without a pool of easy handles. A
/// share handle adds TLS session reuse for new connections. The thread starts on the first
/// request and exits after `idleLinger` without work, so an idle transport costs nothing;
/// the connection cache lives in the multi handle and survives that.
final class CurlMultiLoop: @unchecked Sendable {
    private struct Inbox {
        var submitted: [CurlTransfer] = []
        /// Task jobs for this thread as a `TaskExecutor` (see the extension below).
        var jobs: [UnownedJob] = []
        var cancellationPending = false
        var threadRunning = false
        /// The loop thread while it runs: work handed in from it needs no wake-up.
        var thread: pthread_t?

        var isEmpty: Bool { submitted.isEmpty && jobs.isEmpty && !cancellationPending }
    }

    private let multi: UnsafeMutableRawPointer?
    private let share: UnsafeMutableRawPointer?
    private let idleLinger: Duration
    private let loadFailure: String?
    private let inbox = Mutex(Inbox())
    static let threadName = "switchboard-net"  // 15 bytes: the kernel's limit
    /// Easy handles of finished transfers, reset, for the next ones: a new handle and its
    /// cleanup cost 13,000 instructions a request (callgrind), a reset a fraction of that.
    /// A reset handle keeps only what libcurl keeps across resets (connections and caches
    /// live in the multi and share handles here; no cookie engine is ever turned on).
    private let spareHandles = Mutex<[SpareHandle]>([])
    /// A detached handle: no transfer and no thread uses it until it is taken again.
    private struct SpareHandle: @unchecked Sendable { let easy: UnsafeMutableRawPointer }
    private static let maxSpareHandles = 64
    /// Transfers attached to `multi`, keyed by easy handle. Loop thread only.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(maxCachedConnections: Int, idleLinger: Duration = .seconds(5)) {
        self.idleLinger = idleLinger
        if let failure = sb_curl_load() {
            loadFailure = String(cString: failure)
            multi = nil
            share = nil
            return
        }
        loadFailure = nil
        multi = sb_curl_multi_init()
        if let multi { _ = sb_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxCachedConnections) }
        share = sb_curl_share_init()
        if let share {
            // Only the loop thread uses the share handle, so it needs no lock callbacks.
            _ = sb_curl_share_setopt_int(share, CURLSHOPT_SHARE, Int32(CURL_LOCK_DATA_SSL_SESSION.rawValue))
        }
    }

    deinit {
        for spare in spareHandles.withLock({ $0 }) { sb_curl_easy_cleanup(spare.easy) }
        // The running thread holds a strong reference, so this runs only once it has exited.
        if let multi { sb_curl_multi_cleanup(multi) }
        if let share { sb_curl_share_cleanup(share) }
    }

    /// Why libcurl cannot be used (not installed, too old), or nil when it can.
    var unusableReason: String? { loadFailure ?? (multi == nil ? "could not initialise libcurl" : nil) }

    /// An easy handle for a new transfer: a spare one or a new one (nil if libcurl fails).
    func easyHandle() -> UnsafeMutableRawPointer? {
        spareHandles.withLock { $0.popLast() }?.easy ?? sb_curl_easy_init()
    }

    /// Resets a detached transfer's handle and keeps it, unless enough are kept already.
    /// Loop thread only. The share handle is detached here: a reset keeps it, and a spare
    /// may be freed on another thread (a request whose setup fails), where touching the
    /// share would race with this thread.
    private func keepSpare(_ easy: UnsafeMutableRawPointer) -> Bool {
        guard spareHandles.withLock({ $0.count < Self.maxSpareHandles }) else { return false }
        sb_curl_easy_reset(easy)
        _ = sb_curl_setopt_pointer(easy, CURLOPT_SHARE, nil)
        let spare = SpareHandle(easy: easy)
        spareHandles.withLock { $0.append(spare) }
        return true
    }

    /// Hands `transfer` to the loop thread, starting it if needed. The transfer's
    /// continuation is resumed there exactly once.
    func submit(_ transfer: CurlTransfer) {
        hand { $0.submitted.append(transfer) }
    }

    /// Asks the loop to finish every transfer whose `cancel()` was called.
    func checkCancellations() {
        hand(startingThread: false) { $0.cancellationPending = true }
    }

    /// Puts work in the inbox and makes sure the loop thread sees it: starts the thread if
    /// it is not running, wakes it if it may be waiting in curl_multi_poll (not when the
    /// caller is the loop thread itself, which looks at the inbox before it waits).
    private func hand(startingThread: Bool = true, _ put: (inout Inbox) -> Void) {
        enum Then { case nothing, wake, start }
        let then = inbox.withLock { inbox -> Then in
            put(&inbox)
            if inbox.threadRunning {
                if let thread = inbox.thread, pthread_equal(thread, pthread_self()) != 0 { return .nothing }
                return .wake
            }
            guard startingThread else { return .nothing }
            inbox.threadRunning = true
            return .start
        }
        switch then {
        case .nothing: break
        case .wake: if let multi { _ = sb_curl_multi_wakeup(multi) }
        case .start:
            let thread = Thread { [self] in
                sb_name_this_thread(Self.threadName)
                run()
            }
            thread.start()
        }
    }

    // MARK: - Loop thread

    private func run() {
        guard let multi else {
            // No libcurl: jobs still run (a task that prefers this executor must not hang);
            // transfers are refused before they reach `submit`.
            runJobsWithoutCurl()
            return
        }
        inbox.withLock { $0.thread = pthread_self() }
        let idleMilliseconds = Int32(CurlTransfer.milliseconds(idleLinger))
        var lastWaitWasIdle = false
        while true {
            let idle = active.isEmpty
            let work = inbox.withLock { inbox -> Inbox? in
                if lastWaitWasIdle, idle, inbox.isEmpty {
                    inbox.threadRunning = false
                    inbox.thread = nil
                    return nil
                }
                defer {
                    inbox.submitted = []
                    inbox.jobs = []
                    inbox.cancellationPending = false
                }
                return inbox
            }
            guard let work else { return }

            // Jobs first: they are the tasks whose transfers finished in the last round, and
            // they may submit new transfers, attached below before the wait.
            for job in work.jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
            let more = inbox.withLock { inbox -> (submitted: [CurlTransfer], cancellations: Bool) in
                defer {
                    inbox.submitted = []
                    inbox.cancellationPending = false
                }
                return (inbox.submitted, inbox.cancellationPending)
            }
            for transfer in work.submitted + more.submitted { attach(transfer, to: multi) }
            if work.cancellationPending || more.cancellations {
                for transfer in active.values where transfer.isCancelled {
                    complete(transfer, with: .failure(CancellationError()), in: multi)
                }
            }

            var running: Int32 = 0
            _ = sb_curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = sb_curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let transfer = active[easy] else { continue }
                complete(transfer, with: transfer.result(for: message.pointee.data.result), in: multi)
            }

            // Jobs made runnable just now (finished transfers resume their tasks here) run
            // before any wait. Otherwise the wait is woken early by curl_multi_wakeup (new
            // work, cancellation) or socket activity; libcurl shortens it to its own next
            // timeout.
            if !inbox.withLock({ $0.isEmpty }) {
                lastWaitWasIdle = false
                continue
            }
            lastWaitWasIdle = active.isEmpty
            _ = sb_curl_multi_poll(multi, nil, 0, lastWaitWasIdle ? idleMilliseconds : 1000, nil)
        }
    }

    private func runJobsWithoutCurl() {
        while true {
            let jobs = inbox.withLock { inbox -> [UnownedJob] in
                defer { inbox.jobs = [] }
                if inbox.jobs.isEmpty { inbox.threadRunning = false }
                return inbox.jobs
            }
            if jobs.isEmpty { return }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    private func attach(_ transfer: CurlTransfer, to multi: UnsafeMutableRawPointer) {
        if transfer.isCancelled {
            transfer.close()
            transfer.finish(.failure(CancellationError()))
            return
        }
        if let share { _ = sb_curl_setopt_pointer(transfer.easy, CURLOPT_SHARE, share) }
        let code = sb_curl_multi_add_handle(multi, transfer.easy)
        guard code == CURLM_OK else {
            let reason = String(cString: sb_curl_multi_strerror(code))
            transfer.close()
            transfer.finish(.failure(SwitchboardError.http("could not start the request to \(transfer.target.host): \(reason)")))
            return
        }
        active[transfer.easy] = transfer
    }

    private func complete(_ transfer: CurlTransfer, with result: Result<HTTPResponse, any Error>, in multi: UnsafeMutableRawPointer) {
        _ = sb_curl_multi_remove_handle(multi, transfer.easy)
        active[transfer.easy] = nil
        transfer.close(keep: keepSpare)
        transfer.finish(result)
    }
}

/// The loop thread as a task executor. A task that prefers it (`Task(executorPreference:)`)
/// runs between the loop's rounds, on the thread that finishes its transfers, as curl's own
/// `--parallel` does its output: a finished transfer resumes its task without waking a
/// thread of the cooperative pool, and the next request is handed to curl without waking
/// this one. Measured on `refresh` (perf stat, 2,000 refreshes, concurrency 8): see
/// TokenRefresher. The price: while such a task works (a database write), this loop's other
/// transfers wait — their bytes wait in the kernel's socket buffers.
extension CurlMultiLoop: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        hand { $0.jobs.append(job) }
    }
}
