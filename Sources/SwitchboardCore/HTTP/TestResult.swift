/// The outcome of a connection's test request (SPEC §1, "Test connection").
public struct TestResult: Sendable, Hashable {
    public var passed: Bool
    /// The response status, or nil when no response arrived.
    public var status: Int?
    /// One line for the connection log and the screen, with every secret redacted.
    public var message: String

    public init(passed: Bool, status: Int?, message: String) {
        self.passed = passed
        self.status = status
        self.message = message
    }
}
