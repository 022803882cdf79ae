import CCurl
import Foundation
import Synchronization

/// One request's libcurl easy handle and the response it accumulates.
///
/// Ownership: built and configured on the calling task, then handed to `CurlMultiLoop`
/// through its mutex; from then on only the loop thread touches it (the callbacks run there
/// too), except `cancelled`, which has its own lock. Hence `@unchecked Sendable`.
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    let target: URLTarget
    let limits: CurlTransport.Configuration
    let timeout: Duration
    var continuation: CheckedContinuation<HTTPResponse, any Error>?

    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var body = Data()
    private var headers = HTTPHeaders()
    private var exceededLimit = false
    private var closed = false
    private let cancelled = Mutex(false)

    /// `easy` is a new handle or one `CurlMultiLoop` reset after an earlier transfer.
    init(request: HTTPRequest, target: URLTarget, configuration: CurlTransport.Configuration, easy: UnsafeMutableRawPointer?) throws {
        guard let easy else { throw SwitchboardError.http("could not start a libcurl request") }
        self.easy = easy
        self.target = target
        self.limits = configuration
        self.timeout = request.timeout ?? configuration.timeout
        let errorSize = sb_curl_error_size()
        errorBuffer = .allocate(capacity: errorSize)
        errorBuffer.initialize(repeating: 0, count: errorSize)
        try configure(request)
    }

    deinit {
        close()
        errorBuffer.deallocate()
    }

    /// Frees the easy handle. The loop calls this on its own thread right after detaching the
    /// handle, because cleanup touches the share handle, which only that thread may use; the
    /// deinit covers transfers that never reached the loop.
    /// `keep` takes the handle instead (reset, for another transfer) and says whether it did.
    func close(keep: ((UnsafeMutableRawPointer) -> Bool)? = nil) {
        guard !closed else { return }
        closed = true
        if keep?(easy) != true { sb_curl_easy_cleanup(easy) }
        sb_curl_slist_free_all(headerList)
        headerList = nil
    }

    var isCancelled: Bool { cancelled.withLock { $0 } }
    func cancel() { cancelled.withLock { $0 = true } }

    /// Resumes the waiting task; called exactly once, on the loop thread.
    func finish(_ result: Result<HTTPResponse, any Error>) {
        continuation?.resume(with: result)
        continuation = nil
    }

    /// Turns libcurl's verdict into a response or a readable error.
    func result(for code: CURLcode) -> Result<HTTPResponse, any Error> {
        guard code == CURLE_OK else { return .failure(error(for: code)) }
        var status = 0
        _ = sb_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: headers, body: body))
    }

    var curlErrorText: String { String(cString: errorBuffer) }

    var osErrno: Int {
        var value = 0
        _ = sb_curl_getinfo_long(easy, CURLINFO_OS_ERRNO, &value)
        return value
    }

    // MARK: - Setup

    private func configure(_ request: HTTPRequest) throws {
        var failure: CURLcode?
        func check(_ code: CURLcode) { if code != CURLE_OK, failure == nil { failure = code } }

        check(sb_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        check(sb_curl_setopt_string(easy, CURLOPT_URL, request.url))
        // Only http(s), also after a redirect: a template must not reach file:// or smtp://.
        check(sb_curl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(sb_curl_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
        check(sb_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, limits.followRedirects ? 1 : 0))
        check(sb_curl_setopt_long(easy, CURLOPT_MAXREDIRS, 5))
        // Signals and threads do not mix; the loop thread must never get SIGALRM or SIGPIPE.
        check(sb_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(sb_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1))
        check(sb_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2))
        if let caBundle = limits.caBundlePath { check(sb_curl_setopt_string(easy, CURLOPT_CAINFO, caBundle)) }
        check(sb_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(limits.connectTimeout)))
        check(sb_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)))
        // A declared Content-Length over the cap fails before any body byte is read; the
        // write callback catches chunked and close-delimited bodies.
        check(sb_curl_setopt_off_t(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maxResponseBytes)))
        check(sb_curl_setopt_string(easy, CURLOPT_USERAGENT, limits.userAgent))
        // Proxy options stay unset on purpose: libcurl then honours http_proxy, https_proxy,
        // ALL_PROXY and NO_PROXY from the environment.

        check(configureMethod(request))
        check(configureHeaders(request.headers))

        let context = Unmanaged.passUnretained(self).toOpaque()
        check(sb_curl_setopt_write_callback(easy, { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }, context))
        check(sb_curl_setopt_header_callback(easy, { data, size, count, context in
            guard let data, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }, context))

        if let failure {
            if failure == CURLE_BAD_FUNCTION_ARGUMENT { throw error(for: failure) }
            throw SwitchboardError.http("could not prepare the request to \(target.host): \(String(cString: sb_curl_easy_strerror(failure)))")
        }
    }

    private func configureMethod(_ request: HTTPRequest) -> CURLcode {
        let method = request.method.uppercased()
        if let body = request.body {
            // COPYPOSTFIELDS makes libcurl copy the bytes: the Data buffer is only borrowed here.
            let code = body.withUnsafeBytes { sb_curl_setopt_copy_post_fields(easy, $0.baseAddress, curl_off_t($0.count)) }
            if code != CURLE_OK || method == "POST" { return code }
            return sb_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)
        }
        switch method {
        case "GET": return sb_curl_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "HEAD": return sb_curl_setopt_long(easy, CURLOPT_NOBODY, 1)
        case "POST": return sb_curl_setopt_copy_post_fields(easy, nil, 0)
        default: return sb_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)
        }
    }

    private func configureHeaders(_ requestHeaders: HTTPHeaders) -> CURLcode {
        // "Expect:" turns off libcurl's `Expect: 100-continue` for larger bodies, which costs a
        // round trip (or a one-second stall with servers that ignore it).
        guard append("Expect:") else { return CURLE_OUT_OF_MEMORY }
        // libcurl sends a body (and any POST) as a form unless told otherwise; a request
        // carries only the type its maker declared ("Content-Type:" removes the default).
        if !requestHeaders.contains("Content-Type") {
            guard append("Content-Type:") else { return CURLE_OUT_OF_MEMORY }
        }
        // One buffer for every line: "Name: value", or "Name;" (libcurl's syntax for a
        // header with an empty value; "Name:" removes it), then a NUL, as libcurl copies it.
        // Concatenating Strings cost two allocations a line, and their bytes were scanned
        // again for the check below (callgrind: 9,400 instructions a request's headers).
        var line: [UInt8] = []
        line.reserveCapacity(256)
        for field in requestHeaders {
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: field.name.utf8)
            if field.value.isEmpty {
                line.append(UInt8(ascii: ";"))
            } else {
                line.append(UInt8(ascii: ":"))
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: field.value.utf8)
            }
            // libcurl sends a header line as given: a CR or LF from a rendered template would
            // start a header (or a request) of someone else's making, and a NUL would cut it
            // short. (Bytes: in UTF-8 these three are never part of another character.)
            if line.contains(where: Self.breaksHeaderLine) { return CURLE_BAD_FUNCTION_ARGUMENT }
            line.append(0)
            let appended = line.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { append($0.baseAddress!) }
            }
            guard appended else { return CURLE_OUT_OF_MEMORY }
        }
        return sb_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)
    }

    private static func breaksHeaderLine(_ byte: UInt8) -> Bool { byte == 0x0D || byte == 0x0A || byte == 0 }

    /// Appends one header line to `headerList` (libcurl copies it).
    private func append(_ line: UnsafePointer<CChar>) -> Bool {
        guard let list = sb_curl_slist_append(headerList, line) else { return false }
        headerList = list
        return true
    }

    // MARK: - Callbacks (loop thread)

    private func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        guard body.count + chunk.count <= limits.maxResponseBytes else {
            exceededLimit = true
            return 0 // anything but chunk.count aborts the transfer with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    /// Parses one raw header line on bytes (this runs for every header of every response).
    private func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "\r") || raw[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        guard end > 0 else { return }
        let line = UnsafeRawBufferPointer(rebasing: raw[..<end])
        if line.starts(with: "HTTP/".utf8) {
            headers = HTTPHeaders(capacity: 16) // a new response (after 1xx or a followed redirect)
            return
        }
        func trimmed(_ start: Int, _ end: Int) -> String {
            var start = start, end = end
            while start < end, line[start] == space || line[start] == tab { start += 1 }
            while end > start, line[end - 1] == space || line[end - 1] == tab { end -= 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
        }
        if line[0] == space || line[0] == tab {
            headers.appendToLastValue(trimmed(0, line.count)) // obsolete line folding
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        headers.add(trimmed(0, colon), trimmed(colon + 1, line.count))
    }

    var bodyLimitExceeded: Bool { exceededLimit }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
