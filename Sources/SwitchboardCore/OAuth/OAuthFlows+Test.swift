import Foundation

extension OAuthFlows {
    /// "Test connection": sends the connection type's declared test request (with the
    /// bearer token for OAuth types, refreshed first when it is about to expire) and sets
    /// the badge `ok` or `error`, logging the one-line result.
    package func testConnection(instance: String, variable: String) async throws -> TestResult {
        var subject = try store.testSubject(instance: instance, variable: variable)
        guard let test = subject.test else {
            throw SwitchboardError.usage("\(subject.instance) \(subject.variable): the connection type declares no test request")
        }
        if subject.isOAuth, subject.accessToken != nil, let expiresAt = subject.tokenExpiresAt.flatMap(Timestamp.date(from:)),
           expiresAt.timeIntervalSinceNow < 60 {
            let refresher = TokenRefresher(store: store, transport: transport)
            _ = try await refresher.refreshDue(RefreshSelection(within: 60, instance: instance, variable: variable))
            subject = try store.testSubject(instance: instance, variable: variable)
        }
        if let refusal = subject.refusal {
            let message: Message = "Test not sent: \(outside: refusal.description)"
            try store.recordOutcome(instance: instance, variable: variable, outcome: .error, level: .error, message: message,
                                    reason: "test not sent: \(outside: refusal.description)")
            return TestResult(passed: false, status: nil, report: message, message: message.rendered(for: subject.audience))
        }
        if subject.isOAuth && subject.accessToken == nil {
            let message = "Test not sent: the connection has no access token (CONNECT first)"
            // Not a failed test: the connection is simply not configured yet (status stays).
            try store.recordOutcome(instance: instance, variable: variable, outcome: nil, level: .warning, message: message)
            return TestResult(passed: false, status: nil, message: message)
        }
        var result = await send(test, for: subject)
        // A token whose end the provider never told (Salesforce sends no expires_in; an
        // assumed lifetime is a guess) may simply have timed out: one refresh and one
        // retry before the badge turns red.
        if result.status == 401, subject.isOAuth, !subject.tokenExpiryKnown {
            let refresher = TokenRefresher(store: store, transport: transport)
            let refreshed = try await refresher.refreshDue(RefreshSelection(force: true, instance: instance, variable: variable))
            if refreshed.refreshed > 0 {
                if let connection = try? store.oauthConnection(instance: instance, variable: variable) {
                    try? store.logOAuth(connection, level: .info, "The test got 401 with a token of unknown lifetime: refreshed it and tried once more")
                }
                subject = try store.testSubject(instance: instance, variable: variable)
                result = await send(test, for: subject)
            }
        }
        let line: Message = "Test \(name: result.passed ? "passed" : "failed"): \(result.report)"
        try store.recordOutcome(
            instance: instance, variable: variable, outcome: result.passed ? .ok : .error,
            level: result.passed ? .info : .error, message: line,
            reason: result.passed ? nil : "test failed: \(result.report)")
        // The one who asked reads the result rendered for their role.
        return TestResult(passed: result.passed, status: result.status, report: result.report,
                          message: result.report.rendered(for: subject.audience, limit: TestResult.maxLength))
    }
}

extension OAuthFlows {
    /// The declared request with what `subject` holds now (values, token, classes).
    func send(_ test: TestRequest, for subject: TestSubject) async -> TestResult {
        await TestRequestRunner(transport: transport)
            .run(test, values: subject.values, accessToken: subject.accessToken, secretValues: subject.secrets, classes: subject.classes,
                 destinationChosenByCustomer: subject.destinationChosenByCustomer)
    }

    /// Before `run` hands a step its connection (SPEC §7): refresh the access token when
    /// it expires within `within` seconds. Failures are recorded as any refresh failure
    /// (temporary: logged; final: status error) and never stop the run itself.
    package func refreshBeforeRun(instance: String, step: String, within: TimeInterval = 60) async {
        guard (try? store.actor.authorize(.run)) != nil else { return }
        guard let variable = try? store.oauthVariable(instance: instance, step: step) else { return }
        let refresher = TokenRefresher(store: store, transport: transport)
        _ = try? await refresher.refreshDue(RefreshSelection(within: within, instance: instance, variable: variable))
    }
}
