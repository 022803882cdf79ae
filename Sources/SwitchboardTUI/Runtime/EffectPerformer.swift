import SwitchboardCore

/// Performs effects through the backend and reports every outcome, failures included,
/// as events. The only place that turns a thrown error into a sentence for the screen.
package enum EffectPerformer {
    /// Effects that finish at once. The async ones (`.test`, `.connect`, `.disconnect`), the
    /// ones that touch the terminal and `.quit` are the caller's, and yield no events here.
    package static func perform(_ effect: Effect, backend: some WizardBackend) -> [Event] {
        do {
            switch effect {
            case .loadInstances(let request), .loadInstancePage(let request):
                return page(request, backend: backend)
            case .reloadInstancesIfChanged(let request):
                guard backend.instancesMayHaveChanged() else { return [.instancePageSkipped(request: request.id)] }
                return page(request, backend: backend)
            case .refreshInstance(let id):
                return [.instanceRefreshed(try backend.instance(id: id))]
            case .refreshInstanceIfChanged(let id):
                return try ifChanged("instance \(id)", backend) { [.instanceRefreshed(try backend.instance(id: id))] }
            case .loadDeployChoices:
                return [.deployChoicesLoaded(integrations: try backend.integrations(), customers: try backend.customers())]
            case .deploy(let integration, let customer):
                return [.deployed(try backend.deploy(integration: integration, customer: customer))]
            case .openConnection(let instance, let variable):
                do {
                    return [.connectionLoaded(instance: instance, detail: try backend.connection(instance: instance, variable: variable))]
                } catch {
                    return [.connectionFailed(instance: instance, variable: variable, message: sentence(error))]
                }
            case .save(let instance, let variable, let changes, let revision):
                do {
                    let detail = try backend.save(instance: instance, variable: variable, changes: changes, expectedRevision: revision)
                    return [.saved(instance: instance, detail: detail)]
                } catch let error as SwitchboardError {
                    if case .conflict = error {
                        return [.saveFailed(instance: instance, variable: variable, conflict: true, message: error.description)]
                    }
                    return [.saveFailed(instance: instance, variable: variable, conflict: false, message: error.description)]
                } catch {
                    return [.saveFailed(instance: instance, variable: variable, conflict: false, message: sentence(error))]
                }
            case .loadLogs(let instance, let variable, let limit):
                return [.logsLoaded(instance: instance, variable: variable,
                                    lines: try backend.logs(instance: instance, variable: variable, limit: limit))]
            case .reloadLogsIfChanged(let instance, let variable, let limit):
                return try ifChanged("logs \(instance) \(variable)", backend) {
                    [.logsLoaded(instance: instance, variable: variable, lines: try backend.logs(instance: instance, variable: variable, limit: limit))]
                }
            case .loadDraft(let instance):
                return [.draftLoaded(instance: instance, draft: try backend.loadDraft(instance: instance))]
            case .saveDraft(let draft):
                try backend.saveDraft(draft)
                return []
            case .deleteDraft(let instance):
                try backend.deleteDraft(instance: instance)
                return []
            case .test, .connect, .submitRedirect, .cancelConnect, .disconnect, .copyToClipboard, .printOutside, .quit:
                return []
            }
        } catch {
            return [.failed(sentence(error))]
        }
    }

    /// A page of the home list; a failure is reported and the request marked answered.
    static func page(_ request: InstancePageRequest, backend: some WizardBackend) -> [Event] {
        do {
            return [.instancePageLoaded(try backend.instancePage(request), request: request.id)]
        } catch {
            return [.failed(sentence(error)), .instancePageSkipped(request: request.id)]
        }
    }

    /// Runs `read` unless nothing was committed since reader `key` last read; the version
    /// is taken before the read and marked only after it succeeded, so a commit in between
    /// shows as a change next time.
    static func ifChanged(_ key: String, _ backend: some WizardBackend, _ read: () throws -> [Event]) rethrows -> [Event] {
        guard backend.mayHaveChanged(key: key) else { return [] }
        let version = backend.changeVersion()
        let events = try read()
        backend.markRead(version, key: key)
        return events
    }

    /// Runs a connection test; the result or the failure comes back as one event.
    package static func performTest(instance: String, variable: String, backend: some WizardBackend) async -> Event {
        do {
            return .tested(instance: instance, detail: try await backend.testConnection(instance: instance, variable: variable))
        } catch {
            return .testFailed(instance: instance, variable: variable, message: sentence(error))
        }
    }

    /// Runs CONNECT to its end: progress goes to `post` as it happens; the outcome (tokens
    /// stored, or why not, cancellation included) comes back as one event.
    package static func performConnect(instance: String, variable: String, timeoutSeconds: Int, pasted: AsyncStream<String>,
                                      backend: some WizardBackend, post: @escaping @Sendable (Event) -> Void) async -> Event {
        do {
            let detail = try await backend.connect(instance: instance, variable: variable, timeout: .seconds(timeoutSeconds),
                                                   pasted: pasted) { progress in
                post(.connectProgress(instance: instance, variable: variable, progress))
            }
            return .connected(instance: instance, detail: detail)
        } catch is CancellationError {
            return .connectFailed(instance: instance, variable: variable, message: "cancelled; nothing was changed")
        } catch {
            return .connectFailed(instance: instance, variable: variable, message: sentence(error))
        }
    }

    package static func performDisconnect(instance: String, variable: String, backend: some WizardBackend) async -> Event {
        do {
            return .disconnected(instance: instance, result: try await backend.disconnect(instance: instance, variable: variable))
        } catch {
            return .disconnectFailed(instance: instance, variable: variable, message: sentence(error))
        }
    }

    /// What a person reads for any error: the core's own sentence, else a generic one
    /// (never a raw dump that could carry a value).
    static func sentence(_ error: any Error) -> String {
        if let error = error as? SwitchboardError { return error.description }
        if let error = error as? FieldValidationError { return error.description }
        return "unexpected error (\(type(of: error)))"
    }
}
