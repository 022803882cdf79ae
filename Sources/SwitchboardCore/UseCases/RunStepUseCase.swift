import Foundation

/// `run` (SPEC §7): refresh the step's access token if it is about to expire, hand the
/// step's code its connection, and record what the code's exit status says about it.
package struct RunStepUseCase: Sendable {
    package struct Request: Sendable {
        package var instance: String
        package var step: String
        /// The code to run and its arguments.
        package var command: [String]
        package var environment: [String: String]

        package init(instance: String, step: String, command: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.instance = instance
            self.step = step
            self.command = command
            self.environment = environment
        }
    }

    /// How the code ended; its effect on the connection is already recorded.
    package struct Outcome: Sendable, Equatable {
        package var exitCode: Int32
        /// The signal that interrupted the run (the connection file was removed at once).
        package var interruptedBy: Int32?
    }

    package let flows: OAuthFlows

    package init(store: Store, transport: any HTTPTransport) {
        flows = OAuthFlows(store: store, transport: transport)
    }

    /// `control` lets the caller's signal handling interrupt the code (see `StepControl`).
    package func run(_ request: Request, control: StepControl = StepControl()) async throws -> Outcome {
        guard !request.command.isEmpty else {
            throw SwitchboardError.usage("give the command after --, e.g. switchboard run INSTANCE STEP -- ./upload.sh")
        }
        let store = flows.store
        // A customer is refused by `executionContext`; the refresh before it does nothing for them.
        await flows.refreshBeforeRun(instance: request.instance, step: request.step)
        // A signal during the refresh: nothing has been handed over yet, so nothing starts.
        if control.interruption != nil { throw CancellationError() }
        var context = try store.executionContext(instance: request.instance, step: request.step)
        var result = try await execute(request, context, control: control, retrying: { try await refreshesAfterRefusal(request, $0) })
        if let refreshed = result.retry {
            // Once only: a second refusal is recorded as the connection's error.
            context = refreshed
            result = try await execute(request, context, control: control, retrying: { _ in nil })
        }
        return Outcome(exitCode: result.step.exitCode, interruptedBy: result.step.interruptedBy)
    }

    /// Runs the code once and records it. `retrying` decides, after a refused token (exit
    /// 77), whether the step runs once more, and returns its new context.
    private func execute(_ request: Request, _ context: ExecutionContext, control: StepControl,
                         retrying: (ExecutionContext) async throws -> ExecutionContext?) async throws -> (step: StepRunner.Result, retry: ExecutionContext?) {
        let store = flows.store
        let started = store.now()
        let result = try StepRunner.run(command: request.command, payload: context.payload, environment: request.environment, control: control)
        let retry = result.exitCode == StepRunner.tokenRefusedExit && result.interruptedBy == nil && control.interruption == nil
            ? try await retrying(context) : nil
        try store.recordExecution(context, command: request.command.joined(separator: " "), exitCode: result.exitCode,
                                  lastErrorLine: result.lastErrorLine, startedAt: started, durationMs: result.durationMs,
                                  interruptedBy: result.interruptedBy, retrying: retry != nil)
        return (result, retry)
    }

    /// A refused token whose end the provider never told (Salesforce sends no expires_in;
    /// an assumed lifetime is a guess) may simply have timed out: refresh it and hand the
    /// step the new one. Nil (no retry) when the expiry was known, nothing could be
    /// refreshed, or a signal came during the refresh.
    private func refreshesAfterRefusal(_ request: Request, _ context: ExecutionContext) async throws -> ExecutionContext? {
        let store = flows.store
        guard let variable = context.variable,
              let token = try? store.oauthConnection(instance: request.instance, variable: variable).token,
              !token.expiryKnown else { return nil }
        let refreshed = try await TokenRefresher(store: store, transport: flows.transport)
            .refreshDue(RefreshSelection(force: true, instance: request.instance, variable: variable))
        guard refreshed.refreshed > 0 else { return nil }
        return try store.executionContext(instance: request.instance, step: request.step)
    }
}
