import Foundation
import SwitchboardCore

/// CONNECT and DISCONNECT over the core's use cases, the same ones `switchboard connect`
/// and `disconnect` run; the wizard adds only its way in for pasted redirect URLs.
extension StoreWizardBackend {
    package func connect(instance: String, variable: String, timeout: Duration, pasted: AsyncStream<String>,
                        progress: @escaping @Sendable (ConnectProgress) -> Void) async throws -> WizardConnection {
        let useCase = ConnectUseCase(store: store, transport: transport, settings: settings)
        let request = ConnectUseCase.Request(instance: instance, variable: variable, timeout: timeout, pasted: .whenUsed(pasted))
        _ = try await useCase.run(request, progress: progress)
        return try connection(instance: instance, variable: variable)
    }

    package func disconnect(instance: String, variable: String) async throws -> DisconnectResult {
        let report = try await OAuthFlows(store: store, transport: transport).disconnect(instance: instance, variable: variable)
        // In customer role the core has already kept hidden fields out of the notes.
        let notes = [report.deletion.prefix(1).uppercased() + report.deletion.dropFirst()] + report.revocation
        return DisconnectResult(detail: try connection(instance: instance, variable: variable), notes: notes)
    }
}
