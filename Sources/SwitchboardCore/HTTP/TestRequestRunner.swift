import Foundation

/// Sends a connection type's declared test request with the connection's values and turns
/// the outcome into a `TestResult` whose message is safe to log.
package struct TestRequestRunner: Sendable {
    package let transport: any HTTPTransport

    package init(transport: any HTTPTransport) {
        self.transport = transport
    }

    /// - Parameters:
    ///   - values: the connection's effective field values, for `{{field}}`.
    ///   - accessToken: for `{{access_token}}`; always redacted from the message.
    ///   - secretValues: values to redact (password fields, client secret, …).
    ///   - classes: each field's class (`FieldState.valueClass`); the URL shown in the
    ///     result masks what each audience may not see. Fields not listed are public.
    package func run(
        _ test: TestRequest, values: [String: String], accessToken: String? = nil, secretValues: [String] = [],
        classes: [String: ValueClass] = [:], destinationChosenByCustomer: Bool = false
    ) async -> TestResult {
        var values = values
        var classes = classes
        if let accessToken { values["access_token"] = accessToken }
        classes["access_token"] = .secret
        let redactor = SecretRedactor(secrets: secretValues + [accessToken].compactMap { $0 })
        let method = test.method.uppercased()

        // Fail before sending when a referenced value is missing: the request could only fail
        // in a confusing way (an empty host, "Bearer " with no token).
        let templates = [test.url, test.body ?? ""] + test.headers.values
        if let missing = templates.flatMap(Template.references).first(where: { (values[$0] ?? "").isEmpty }) {
            // A hidden field's name is itself kept from customers: then the line is the team's.
            let reason: Message = missing == "access_token" ? "no access token (connect first)"
                : (classes[missing] ?? .public) < .hidden ? "no value for {{\(name: missing)}}"
                : Message([.text("no value for "), .field(key: missing, label: "{{\(missing)}}", customerVisible: false)])
            return TestResult(passed: false, status: nil, report: "\(name: method) test request not sent: \(reason)")
        }

        let url = Template.render(test.url, values: values)
        let shownURL = Self.shownURL(test.url, values: values, classes: classes, redactor: redactor)
        var headers = HTTPHeaders()
        for (name, value) in test.headers.sorted(by: { $0.key < $1.key }) {
            headers.add(name, Template.render(value, values: values))
        }
        if let contentType = test.contentType { headers["Content-Type"] = contentType }
        let body = test.body.map { Data(Template.render($0, values: values).utf8) }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body)

        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await transport.send(request)
            let took = Self.milliseconds(clock.now - start)
            let statusPassed = test.accepts(response.status)
            let mismatch = statusPassed ? ExpectedJSON.firstMismatch(test.expectJson ?? [:], in: response.body) : nil
            let passed = statusPassed && mismatch == nil
            var report: Message = "\(name: method) \(shownURL) → \(response.status) (expected \(name: test.expectedStatuses)) in \(took) ms"
            if let mismatch {
                // What the server answered is its text: masked, and for a server the customer
                // chose, the team's to read only.
                let found = redactor.line(mismatch.found)
                let words: Message.Part = destinationChosenByCustomer
                    ? .perAudience(team: found, customer: "(the response's text is shown to the team only)")
                    : .outside(found)
                report.parts += [.text(", but \(mismatch.path) is "), words, .text(" (expected \(mismatch.expected.description))")]
            }
            if !statusPassed, let reason = Self.reason(from: response.body) {
                // A server the customer chose writes what it likes: masking its words for
                // the customer would tell them which of their guesses was a hidden value.
                let words: Message.Part = destinationChosenByCustomer
                    ? .perAudience(team: redactor.line(reason), customer: "(the response's text is shown to the team only)")
                    : .outside(redactor.line(reason))
                report.parts += [.text(": "), words]
            }
            return TestResult(passed: passed, status: response.status, report: report)
        } catch is CancellationError {
            return TestResult(passed: false, status: nil, report: "\(name: method) \(shownURL) cancelled")
        } catch {
            let took = Self.milliseconds(clock.now - start)
            return TestResult(passed: false, status: nil, report: "\(name: method) \(shownURL) failed after \(took) ms: \(outside: redactor.line("\(error)"))")
        }
    }

    /// The request's URL as each audience may see it: rendered from the template with the
    /// values a reader may not see replaced by the mask (secrets for everyone, hidden
    /// values for customers), so nothing depends on finding them in the finished text.
    static func shownURL(_ template: String, values: [String: String], classes: [String: ValueClass], redactor: SecretRedactor) -> Message {
        func shown(hiding limit: ValueClass) -> String {
            var masked = values
            for (name, valueClass) in classes where valueClass >= limit && !(values[name] ?? "").isEmpty { masked[name] = Message.mask }
            let url = Template.render(template, values: masked)
            return shortened(redactor.redact(URLTarget(url)?.display ?? url), to: 80)
        }
        let team = shown(hiding: .secret)
        let customer = shown(hiding: .hidden)
        return Message([.perAudience(team: team, customer: customer)])
    }

    /// A provider's short explanation from a JSON error body: OAuth's `error` and
    /// `error_description`, `message`, `error.message` (Google, Microsoft), `errorMessages`
    /// (Atlassian), `errors[0].message`. Nil for anything else (HTML, plain text).
    static func reason(from body: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        let error = object["error"]
        let nested = (error as? [String: Any])?["message"] as? String
        let code = error as? String
        let description = object["error_description"] as? String
        var text: String?
        switch (code, description) {
        case let (code?, description?): text = "\(code): \(description)"
        case let (code?, nil): text = code
        case let (nil, description?): text = description
        case (nil, nil):
            text = nested
                ?? object["message"] as? String
                ?? (object["errorMessages"] as? [Any])?.first as? String
                ?? ((object["errors"] as? [Any])?.first as? [String: Any])?["message"] as? String
        }
        // Returned whole: the caller redacts before anything is cut, so no partial secret
        // can survive a truncation.
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }

    static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
