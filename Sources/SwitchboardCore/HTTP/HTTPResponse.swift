import Foundation

/// A complete response: status, headers in arrival order, and the whole body.
package struct HTTPResponse: Sendable, Hashable, CustomStringConvertible {
    package var status: Int
    package var headers: HTTPHeaders
    package var body: Data

    package init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A canned JSON response (tests, fakes).
    package static func json(_ status: Int = 200, _ json: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        if !headers.contains("Content-Type") { headers["Content-Type"] = "application/json" }
        return HTTPResponse(status: status, headers: headers, body: Data(json.utf8))
    }

    /// A canned plain-text response (tests, fakes).
    package static func text(_ status: Int = 200, _ text: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var headers = headers
        if !headers.contains("Content-Type") { headers["Content-Type"] = "text/plain; charset=utf-8" }
        return HTTPResponse(status: status, headers: headers, body: Data(text.utf8))
    }

    /// The body decoded as UTF-8, invalid bytes replaced.
    package var text: String { String(decoding: body, as: UTF8.self) }

    package var isSuccess: Bool { (200..<300).contains(status) }

    /// Status and sizes only: a token response's body is a secret.
    package var description: String { "HTTP \(status), headers \(headers), \(body.count) byte body" }
}
