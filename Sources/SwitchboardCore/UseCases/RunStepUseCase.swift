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
        let context = try store.executionContext(instance: request.instance, step: request.step)
        let started = store.now()
        let result = try StepRunner.run(command: request.command, payload: context.payload, environment: request.environment, control: control)
        try store.recordExecution(context, command: request.command.joined(separator: " "), exitCode: result.exitCode,
                                  lastErrorLine: result.lastErrorLine, startedAt: started, durationMs: result.durationMs,
                                  interruptedBy: result.interruptedBy)
        return Outcome(exitCode: result.exitCode, interruptedBy: result.interruptedBy)
    }
}
