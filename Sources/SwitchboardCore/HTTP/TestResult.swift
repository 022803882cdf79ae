/// The outcome of a connection's test request (SPEC §1, "Test connection").
package struct TestResult: Sendable, Equatable {
    package var passed: Bool
    /// The response status, or nil when no response arrived.
    package var status: Int?
    /// One line for the connection log and the screen, typed: the request's URL as each
    /// audience may see it, the provider's words as outside text.
    package var report: Message
    /// `report` rendered for whoever asked (the team's text unless said otherwise).
    package var message: String

    /// One short line on screen; the log keeps up to 2,000 characters of the report.
    package static let maxLength = 200

    package init(passed: Bool, status: Int?, report: Message, message: String? = nil) {
        self.passed = passed
        self.status = status
        self.report = report
        self.message = message ?? report.rendered(for: .team, limit: Self.maxLength)
    }

    /// Two results are the same when they read the same: how a report was put together
    /// from parts is not part of what it says.
    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.passed == rhs.passed && lhs.status == rhs.status && lhs.message == rhs.message
            && lhs.report.rendered(for: .customer(HiddenFieldRedactor(hidden: []))) == rhs.report.rendered(for: .customer(HiddenFieldRedactor(hidden: [])))
    }

    package init(passed: Bool, status: Int?, message: String) {
        self.init(passed: passed, status: status, report: Message([.text(message)]))
    }
}
