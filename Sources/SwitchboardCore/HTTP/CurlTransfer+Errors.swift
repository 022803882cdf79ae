import CCurl
import Foundation

/// libcurl result codes as sentences with context (host, port, limit), never the URL's path
/// or query, a header or the body: those can hold credentials.
extension CurlTransfer {
    func error(for code: CURLcode) -> SwitchboardError {
        let endpoint = target.hostAndPort
        let detail = curlErrorText
        switch code {
        case CURLE_COULDNT_CONNECT:
            return .http("could not connect to \(endpoint): \(systemReason(fallback: "connection failed"))")
        case CURLE_OPERATION_TIMEDOUT:
            let lowered = detail.lowercased()
            if lowered.contains("resolv") {
                return .http("could not resolve host \(target.host): timed out after \(Self.describe(limits.connectTimeout))")
            }
            if lowered.contains("connect") {
                return .http("could not connect to \(endpoint): timed out after \(Self.describe(limits.connectTimeout))")
            }
            return .http("request to \(endpoint) timed out after \(Self.describe(timeout))")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .http("could not resolve host \(target.host)")
        case CURLE_COULDNT_RESOLVE_PROXY:
            return .http("could not resolve the proxy host (from http_proxy, https_proxy or ALL_PROXY)")
        case CURLE_PEER_FAILED_VERIFICATION:
            return .http("TLS certificate verification failed for host \(target.host)" + Self.suffix(detail))
        case CURLE_SSL_CONNECT_ERROR:
            return .http("TLS handshake with \(endpoint) failed" + Self.suffix(detail))
        case CURLE_SSL_CACERT_BADFILE:
            return .http("could not load the CA certificates to verify \(target.host)" + Self.suffix(detail))
        case CURLE_FILESIZE_EXCEEDED:
            return sizeLimitError()
        case CURLE_WRITE_ERROR where bodyLimitExceeded:
            return sizeLimitError()
        case CURLE_GOT_NOTHING:
            return .http("\(endpoint) closed the connection without sending a response")
        case CURLE_SEND_ERROR:
            return .http("connection to \(endpoint) failed while sending: \(systemReason(fallback: "send failed"))")
        case CURLE_RECV_ERROR:
            return .http("connection to \(endpoint) failed while receiving: \(systemReason(fallback: "receive failed"))")
        case CURLE_PARTIAL_FILE:
            return .http("the response from \(endpoint) ended before its declared length")
        case CURLE_WEIRD_SERVER_REPLY:
            return .http("\(endpoint) did not answer with HTTP")
        case CURLE_TOO_MANY_REDIRECTS:
            return .http("too many redirects from \(target.host)")
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .http("unsupported URL scheme \"\(target.scheme)\": only http and https are allowed")
        case CURLE_URL_MALFORMAT:
            return .http("the URL for host \(target.host) is malformed")
        case CURLE_BAD_FUNCTION_ARGUMENT:
            // Only configureHeaders returns it: the value itself may be a secret, so no text.
            return .http("request to \(endpoint) not sent: a header holds a line break")
        default:
            return .http("request to \(endpoint) failed: \(String(cString: sb_curl_easy_strerror(code)))")
        }
    }

    private func sizeLimitError() -> SwitchboardError {
        .http("the response from \(target.hostAndPort) is larger than the \(Self.describe(bytes: limits.maxResponseBytes)) limit")
    }

    private func systemReason(fallback: String) -> String {
        let number = osErrno
        return number == 0 ? fallback : String(cString: strerror(Int32(number)))
    }

    private static func suffix(_ detail: String) -> String {
        detail.isEmpty ? "" : ": " + detail
    }

    /// "30 s", "1.5 s", "250 ms".
    static func describe(_ duration: Duration) -> String {
        let milliseconds = Self.milliseconds(duration)
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return String(format: "%.1f s", Double(milliseconds) / 1000)
    }

    /// "4 MiB", "512 KiB", "1000 bytes".
    static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
