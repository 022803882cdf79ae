import Foundation
import SwitchboardCore

/// CONNECT and DISCONNECT of OAuth connections: keys on the CONNECT screen, and the
/// flow's progress and outcome fed back by the runtime.
extension WizardState {
    /// CONNECT (or reconnect) on the selected connection: opens the CONNECT screen and asks
    /// the runtime to start the flow with the saved values.
    mutating func startConnect() -> [Effect] {
        guard let wizard = instance, let variable = wizard.selectedVariable, let form = wizard.forms[variable] else { return [] }
        guard form.detail.needsTokens else {
            show("\(variable) does not use OAuth: it needs no CONNECT")
            return []
        }
        guard !form.isDirty else {
            show("Save first (^S): CONNECT uses the saved values", isError: true)
            return []
        }
        instance?.connect = ConnectState(instance: wizard.instanceID, variable: variable, timeoutSeconds: Self.connectTimeoutSeconds)
        message = nil
        return [.connect(instance: wizard.instanceID, variable: variable, timeoutSeconds: Self.connectTimeoutSeconds)]
    }

    mutating func askToDisconnect() -> [Effect] {
        guard let wizard = instance, let variable = wizard.selectedVariable, let form = wizard.forms[variable] else { return [] }
        guard form.detail.needsTokens else {
            show("\(variable) does not use OAuth: there is nothing to disconnect")
            return []
        }
        guard form.detail.hasTokens else {
            show("\(variable) has no tokens to delete")
            return []
        }
        dialog = .confirmDisconnect(variable: variable)
        return []
    }

    mutating func handleConnectKey(_ key: Key, context: KeyContext) -> [Effect] {
        guard var connect = instance?.connect else { return [] }
        defer { if instance?.connect != nil { instance?.connect = connect } }
        let action = KeyBindings.action(for: key, in: context)
        if context == .connectPaste {
            switch action {
            case .submitPaste:
                let text = connect.paste?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                guard !text.isEmpty else {
                    connect.notice = "Paste the whole address your browser ended on (it holds code and state)"
                    return []
                }
                connect.checkingPaste = true
                connect.notice = nil
                return [.submitRedirect(instance: connect.instance, variable: connect.variable, url: text)]
            case .closePaste:
                connect.paste = nil
                connect.checkingPaste = false
            default:
                if connect.paste?.handle(key) == true { connect.notice = nil }
            }
            return []
        }
        switch action {
        case .pasteRedirect:
            guard case .browser = connect.phase else { return [] }
            connect.paste = LineEditor()
        case .printURL:
            guard let url = connect.url else { return [] }
            return [.printOutside(url)]
        case .copyURL:
            guard let url = connect.url else { return [] }
            show("Copied the URL with OSC 52 (if your terminal allows it; else o prints it to copy by hand)")
            return [.copyToClipboard(url)]
        case .toggleQR:
            guard connect.url != nil else { return [] }
            connect.toggleQR()
        case .retryConnect:
            guard connect.isFailed else { return [] }
            connect = ConnectState(instance: connect.instance, variable: connect.variable, timeoutSeconds: Self.connectTimeoutSeconds)
            return [.connect(instance: connect.instance, variable: connect.variable, timeoutSeconds: Self.connectTimeoutSeconds)]
        case .cancelConnect, .closeConnect:
            instance?.connect = nil
            if connect.isFailed { return logsEffect(variable: connect.variable) }
            show("CONNECT cancelled; nothing was changed")
            return [.cancelConnect(instance: connect.instance, variable: connect.variable)] + logsEffect(variable: connect.variable)
        default:
            break
        }
        return []
    }

    /// A bracketed paste on the CONNECT screen goes into the redirect URL input (opening it).
    mutating func pasteIntoConnect(_ singleLine: String) -> [Effect] {
        guard var connect = instance?.connect, case .browser = connect.phase else { return [] }
        if connect.paste == nil { connect.paste = LineEditor() }
        connect.paste?.insert(singleLine.filter { !$0.isWhitespace })
        connect.notice = nil
        instance?.connect = connect
        return []
    }

    mutating func handleConnectResult(_ event: Event) -> [Effect] {
        switch event {
        case .connectProgress(let id, let variable, let progress):
            guard var connect = instance?.connect, connect.instance == id, connect.variable == variable, connect.isWaiting else { return [] }
            switch progress {
            case .authorize(let url, let redirectURI, let port):
                connect.phase = .browser(url: url, redirectURI: redirectURI, port: port)
            case .device(let userCode, let verificationURI, let completeURI, let expiresIn, _):
                connect.phase = .device(userCode: userCode, verificationURI: verificationURI, completeURI: completeURI)
                connect.timeoutSeconds = min(connect.timeoutSeconds, expiresIn)
            case .callbackRejected, .pastedURLRefused:
                connect.notice = progress.message
                connect.checkingPaste = false
            case .pastedURLAccepted:
                connect.steps.append(progress.message)
                connect.paste = nil
                connect.checkingPaste = false
            case .listening, .waitingForTeamCallback, .callbackReceived, .requestingToken, .exchanging, .devicePolling, .stored,
                 .lookedUp, .lookupFailed, .discovered:
                connect.steps.append(progress.message)
            }
            instance?.connect = connect
            return []
        case .connected(let id, let detail):
            guard var wizard = instance, wizard.instanceID == id else { return [] }
            var form = wizard.forms[detail.variable] ?? ConnectionForm(detail: detail, role: role)
            form.reload(detail, role: role, keepingEdits: form.changes)
            wizard.forms[detail.variable] = form
            if wizard.connect?.variable == detail.variable { wizard.connect = nil }
            instance = wizard
            updateStatus(variable: detail.variable, detail.status, reason: detail.reason)
            show("Connected \(detail.variable): \(detail.status.rawValue)")
            return logsEffect(variable: detail.variable)
        case .connectFailed(let id, let variable, let text):
            guard instance?.instanceID == id else { return [] }
            // A flow whose screen was closed was cancelled on purpose: nothing more to say.
            guard instance?.connect?.variable == variable else { return logsEffect(variable: variable) }
            instance?.connect?.phase = .failed(text)
            instance?.connect?.paste = nil
            instance?.connect?.checkingPaste = false
            show("CONNECT \(variable) failed: \(text)", isError: true)
            return logsEffect(variable: variable)
        case .disconnected(let id, let result):
            guard var wizard = instance, wizard.instanceID == id else { return [] }
            let detail = result.detail
            var form = wizard.forms[detail.variable] ?? ConnectionForm(detail: detail, role: role)
            form.reload(detail, role: role, keepingEdits: form.changes)
            wizard.forms[detail.variable] = form
            instance = wizard
            updateStatus(variable: detail.variable, detail.status, reason: detail.reason)
            show("Disconnected \(detail.variable): " + (result.notes.first ?? "done") + (result.notes.count > 1 ? " (revocation: see the log)" : ""))
            return logsEffect(variable: detail.variable)
        case .disconnectFailed(let id, let variable, let text):
            guard instance?.instanceID == id else { return [] }
            show("DISCONNECT \(variable) failed: \(text)", isError: true)
            return logsEffect(variable: variable)
        default:
            return []
        }
    }
}
