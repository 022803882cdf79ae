import Foundation
import Synchronization
import SwitchboardCore

/// A fake `HTTPTransport` for tests, after lazygit's fake command runner: it is given the
/// exact requests the code under test must make, in order, with the response (or error) for
/// each. Any other request throws `ScriptedTransport.Failure` and is recorded in `failures`
/// (and passed to `onFailure`, where a test can call `Issue.record`), so a failure is seen
/// even when the code under test swallows the error. `assertAllUsed()` fails when an
/// expected request never came.
package final class ScriptedTransport: HTTPTransport {
    package struct Expectation: Sendable, CustomStringConvertible {
        package enum Outcome: Sendable {
            case response(HTTPResponse)
            case failure(any Error)
        }

        package var method: String
        package var url: URLMatch
        package var body: BodyMatch?
        package var headers: [HeaderMatch]
        package var outcome: Outcome

        package init(_ method: String, _ url: URLMatch, body: BodyMatch? = nil, headers: [HeaderMatch] = [], respond response: HTTPResponse) {
            self.init(method, url, body: body, headers: headers, outcome: .response(response))
        }

        package init(_ method: String, _ url: URLMatch, body: BodyMatch? = nil, headers: [HeaderMatch] = [], fail error: any Error) {
            self.init(method, url, body: body, headers: headers, outcome: .failure(error))
        }

        package init(_ method: String, _ url: URLMatch, body: BodyMatch? = nil, headers: [HeaderMatch] = [], outcome: Outcome) {
            self.method = method
            self.url = url
            self.body = body
            self.headers = headers
            self.outcome = outcome
        }

        package var description: String {
            var text = "\(method.uppercased()) \(url)"
            if let body { text += " body \(body)" }
            for header in headers { text += " header \(header)" }
            return text
        }

        /// Why `request` does not match, or nil when it does.
        func mismatch(_ request: HTTPRequest) -> String? {
            if request.method.uppercased() != method.uppercased() { return "method is \(request.method.uppercased())" }
            if !url.matches(request.url) { return "URL is \(request.url)" }
            if let body, !body.matches(request.body) { return "body does not match \(body)" }
            if let header = headers.first(where: { !$0.matches(request.headers) }) { return "header does not match \(header)" }
            return nil
        }
    }

    package struct URLMatch: Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
        package let description: String
        let matches: @Sendable (String) -> Bool

        package init(_ description: String, matches: @escaping @Sendable (String) -> Bool) {
            self.description = description
            self.matches = matches
        }

        package init(stringLiteral value: String) { self = .exact(value) }

        package static func exact(_ url: String) -> URLMatch { URLMatch(url) { $0 == url } }
        package static func prefix(_ prefix: String) -> URLMatch { URLMatch("\(prefix)…") { $0.hasPrefix(prefix) } }
    }

    package struct BodyMatch: Sendable, CustomStringConvertible {
        package let description: String
        let matches: @Sendable (Data?) -> Bool

        package init(_ description: String, matches: @escaping @Sendable (Data?) -> Bool) {
            self.description = description
            self.matches = matches
        }

        package static func text(_ text: String) -> BodyMatch {
            BodyMatch("== \"\(text)\"") { $0.map { String(decoding: $0, as: UTF8.self) } == text }
        }

        package static func contains(_ text: String) -> BodyMatch {
            BodyMatch("contains \"\(text)\"") { $0.map { String(decoding: $0, as: UTF8.self).contains(text) } ?? false }
        }

        /// A form body holding at least these fields with these values (others allowed).
        package static func form(_ fields: [String: String]) -> BodyMatch {
            BodyMatch("form with \(FormEncoding.encode(fields))") { data in
                guard let data else { return false }
                let actual = FormEncoding.decodeFields(String(decoding: data, as: UTF8.self))
                return fields.allSatisfy { actual[$0.key] == $0.value }
            }
        }

        /// A form body that does not have a field of this name.
        package static func formLacks(_ name: String) -> BodyMatch {
            BodyMatch("form without \(name)") { data in
                FormEncoding.decodeFields(data.map { String(decoding: $0, as: UTF8.self) } ?? "")[name] == nil
            }
        }

        package static let none = BodyMatch("none") { $0 == nil || $0?.isEmpty == true }
    }

    package struct HeaderMatch: Sendable, CustomStringConvertible {
        package let description: String
        let matches: @Sendable (HTTPHeaders) -> Bool

        package init(_ description: String, matches: @escaping @Sendable (HTTPHeaders) -> Bool) {
            self.description = description
            self.matches = matches
        }

        package static func equals(_ name: String, _ value: String) -> HeaderMatch {
            HeaderMatch("\(name): \(value)") { $0[name] == value }
        }

        package static func present(_ name: String) -> HeaderMatch { HeaderMatch("\(name) present") { $0.contains(name) } }
        package static func absent(_ name: String) -> HeaderMatch { HeaderMatch("\(name) absent") { !$0.contains(name) } }
    }

    /// What `send` throws for a request the script did not expect.
    package struct Failure: Error, CustomStringConvertible, Equatable {
        package let description: String
    }

    private struct State {
        var remaining: [Expectation]
        var requests: [HTTPRequest] = []
        var failures: [String] = []
    }

    private let state: Mutex<State>
    private let onFailure: (@Sendable (String) -> Void)?

    package init(_ expectations: [Expectation], onFailure: (@Sendable (String) -> Void)? = nil) {
        state = Mutex(State(remaining: expectations))
        self.onFailure = onFailure
    }

    package func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let outcome = state.withLock { state -> Result<Expectation.Outcome, Failure> in
            state.requests.append(request)
            let number = state.requests.count
            let shown = "\(request.method.uppercased()) \(request.url)"
            guard let next = state.remaining.first else {
                let message = "unexpected request #\(number): \(shown) (every expected request was already made)"
                state.failures.append(message)
                return .failure(Failure(description: message))
            }
            if let reason = next.mismatch(request) {
                let message = "unexpected request #\(number): \(shown); expected \(next) but \(reason)"
                state.failures.append(message)
                return .failure(Failure(description: message))
            }
            state.remaining.removeFirst()
            return .success(next.outcome)
        }
        switch outcome {
        case .success(.response(let response)): return response
        case .success(.failure(let error)): throw error
        case .failure(let failure):
            onFailure?(failure.description)
            throw failure
        }
    }

    /// Every request received, expected or not, in order.
    package var requests: [HTTPRequest] { state.withLock { $0.requests } }

    /// Expectations no request has matched yet.
    package var unusedExpectations: [Expectation] { state.withLock { $0.remaining } }

    /// Descriptions of the unexpected requests so far.
    package var failures: [String] { state.withLock { $0.failures } }

    /// Throws (and reports to `onFailure`) when an unexpected request was made or an
    /// expected one was not.
    package func assertAllUsed() throws {
        let (unused, failures) = state.withLock { ($0.remaining, $0.failures) }
        var problems = failures
        if !unused.isEmpty {
            problems.append("\(unused.count) expected request(s) never made: " + unused.map(\.description).joined(separator: "; "))
        }
        guard !problems.isEmpty else { return }
        let message = problems.joined(separator: "\n")
        if !unused.isEmpty { onFailure?(problems.last ?? message) }
        throw Failure(description: message)
    }
}
