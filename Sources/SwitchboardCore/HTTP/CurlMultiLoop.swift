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
        var cancellationPending = false
        var threadRunning = false
    }

    private let multi: UnsafeMutableRawPointer?
    private let share: UnsafeMutableRawPointer?
    private let idleLinger: Duration
    private let loadFailure: String?
    private let inbox = Mutex(Inbox())
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
        // The running thread holds a strong reference, so this runs only once it has exited.
        if let multi { sb_curl_multi_cleanup(multi) }
        if let share { sb_curl_share_cleanup(share) }
    }

    /// Why libcurl cannot be used (not installed, too old), or nil when it can.
    var unusableReason: String? { loadFailure ?? (multi == nil ? "could not initialise libcurl" : nil) }

    /// Hands `transfer` to the loop thread, starting it if needed. The transfer's
    /// continuation is resumed there exactly once.
    func submit(_ transfer: CurlTransfer) {
        let startThread = inbox.withLock { inbox in
            inbox.submitted.append(transfer)
            if inbox.threadRunning { return false }
            inbox.threadRunning = true
            return true
        }
        if startThread {
            let thread = Thread { [self] in run() }
            thread.name = "switchboard-curl"
            thread.start()
        } else if let multi {
            _ = sb_curl_multi_wakeup(multi)
        }
    }

    /// Asks the loop to finish every transfer whose `cancel()` was called.
    func checkCancellations() {
        let running = inbox.withLock { inbox in
            inbox.cancellationPending = true
            return inbox.threadRunning
        }
        if running, let multi { _ = sb_curl_multi_wakeup(multi) }
    }

    // MARK: - Loop thread

    private func run() {
        guard let multi else { return }
        let idleMilliseconds = Int32(CurlTransfer.milliseconds(idleLinger))
        var lastWaitWasIdle = false
        while true {
            let idle = active.isEmpty
            let work = inbox.withLock { inbox -> (submitted: [CurlTransfer], cancellations: Bool)? in
                if lastWaitWasIdle, idle, inbox.submitted.isEmpty {
                    inbox.threadRunning = false
                    return nil
                }
                let work = (submitted: inbox.submitted, cancellations: inbox.cancellationPending)
                inbox.submitted = []
                inbox.cancellationPending = false
                return work
            }
            guard let work else { return }

            for transfer in work.submitted { attach(transfer, to: multi) }
            if work.cancellations {
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

            // Woken early by curl_multi_wakeup (new work, cancellation) or socket activity;
            // libcurl shortens the wait to its own next timeout.
            lastWaitWasIdle = active.isEmpty
            _ = sb_curl_multi_poll(multi, nil, 0, lastWaitWasIdle ? idleMilliseconds : 1000, nil)
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
        transfer.close()
        transfer.finish(result)
    }
}
