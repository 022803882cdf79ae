import Foundation

/// One HTTP request as the core builds it; a transport sends it unchanged.
package struct HTTPRequest: Sendable, Hashable, CustomStringConvertible {
    package var method: String
    package var url: String
    package var headers: HTTPHeaders
    package var body: Data?
    /// The whole exchange's limit; `nil` takes the transport's default.
    package var timeout: Duration?

    package init(method: String = "GET", url: String, headers: HTTPHeaders = [:], body: Data? = nil, timeout: Duration? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// A `POST` of `application/x-www-form-urlencoded` fields (OAuth token, revocation and
    /// device endpoints all take this shape).
    package static func form(
        url: String, fields: [(name: String, value: String)], headers: HTTPHeaders = [:], timeout: Duration? = nil
    ) -> HTTPRequest {
        var headers = headers
        if !headers.contains("Content-Type") { headers["Content-Type"] = "application/x-www-form-urlencoded" }
        if !headers.contains("Accept") { headers["Accept"] = "application/json" }
        return HTTPRequest(method: "POST", url: url, headers: headers,
                           body: Data(FormEncoding.encode(fields).utf8), timeout: timeout)
    }

    /// Method, origin and path only: the query, header values and body can hold secrets.
    package var description: String {
        let target = URLTarget(url)
        let path = target.map { $0.scheme + "://" + $0.authority + $0.path } ?? "(invalid URL)"
        return "\(method) \(path)" + (body.map { " (\($0.count) byte body)" } ?? "")
    }
}
