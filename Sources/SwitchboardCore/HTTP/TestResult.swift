/// The outcome of a connection's test request (SPEC §1, "Test connection").
public struct TestResult: Sendable, Equatable {
    public var passed: Bool
    /// The response status, or nil when no response arrived.
    public var status: Int?
    /// One line for the connection log and the screen, typed: the request's URL as each
    /// audience may see it, the provider's words as outside text.
    public var report: Message
    /// `report` rendered for whoever asked (the team's text unless said otherwise).
    public var message: String

    public init(passed: Bool, status: Int?, report: Message, message: String? = nil) {
        self.passed = passed
        self.status = status
        self.report = report
        self.message = message ?? report.rendered(for: .team)
    }

    public init(passed: Bool, status: Int?, message: String) {
        self.init(passed: passed, status: status, report: Message([.text(message)]))
    }
}
