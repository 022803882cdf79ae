import Foundation
import SwitchboardCore

/// The whole wizard as a value. `handle` turns events into a new state plus effects;
/// it performs no I/O and reads no clock, so every behaviour is testable as data.
package struct WizardState: Equatable, Sendable {
    package enum Screen: Equatable, Sendable { case home, deploy, instance }

    /// Below this the layout cannot work; the screen shows a notice instead.
    package static let minimumSize = Size(width: 50, height: 14)
    /// Log lines fetched per refresh.
    package static let logLimit = 200
    /// How long CONNECT waits for the browser (or a device approval) before giving up.
    /// The same wait as `switchboard connect` (one default, in the core).
    package static let connectTimeoutSeconds = Int(ConnectUseCase.defaultTimeout.components.seconds)

    package var size: Size
    package let role: Role
    package var screen: Screen = .home
    package var home = HomeState()
    package var deploy: DeployState?
    package var instance: InstanceWizard?
    package var dialog: Dialog?
    package var message: StatusMessage?
    /// Counts ticks so periodic refreshes need no clock.
    package var ticks = 0
    /// An instance to open as soon as the list arrives (`switchboard configure INSTANCE`).
    package var openWhenLoaded: String?
    /// Left with Ctrl-C rather than by quitting (the exit status says so).
    package private(set) var wasInterrupted = false

    package init(size: Size, role: Role, openInstance: String? = nil) {
        self.size = size
        self.role = role
        openWhenLoaded = openInstance
    }

    /// Instances read for the first frame; further windows are read as the selection moves.
    package static let firstPageSize = 100

    /// The effects that start a session: the first page of the home list for the first
    /// frame (and the instance to open, if one was named).
    package func start() -> [Effect] {
        var effects: [Effect] = [.loadInstancePage(HomeState.firstRequest(limit: max(Self.firstPageSize, Layout.homeListRows(size))))]
        if let openWhenLoaded { effects.append(.refreshInstance(id: openWhenLoaded)) }
        return effects
    }

    package var isTooSmall: Bool {
        size.width < Self.minimumSize.width || size.height < Self.minimumSize.height
    }

    /// Whether secrets may be shown in clear on request (never for customers).
    package var mayReveal: Bool { !role.isCustomer }

    /// Unsaved input of the open instance (empty when nothing is unsaved).
    package var currentDraft: Draft? {
        guard let instance, !instance.draft.isEmpty else { return nil }
        return instance.draft
    }

    package mutating func handle(_ event: Event) -> [Effect] {
        switch event {
        case .key(let key):
            return handleKey(key)
        case .paste(let text):
            return handlePaste(text)
        case .resized(let newSize):
            size = newSize
            return moveHomeSelection(to: home.selected)
        case .tick:
            return handleTick()
        default:
            return handleResult(event)
        }
    }

    /// The table that applies right now.
    package var keyContext: KeyContext {
        if isTooSmall { return .tooSmall }
        switch dialog {
        case .confirmLeave: return .leaveDialog
        case .conflict: return .conflictDialog
        case .restoreDraft: return .draftDialog
        case .confirmDisconnect: return .disconnectDialog
        case nil: break
        }
        switch screen {
        case .home: return home.isFiltering ? .homeFilter : .home
        case .deploy: return deploy?.step == .customer ? .deployCustomer : .deployIntegration
        case .instance:
            if let connect = instance?.connect { return connect.paste != nil ? .connectPaste : .connect }
            return instance?.focus == .form ? .form : .steps
        }
    }

    mutating func handleKey(_ key: Key) -> [Effect] {
        let context = keyContext
        if KeyBindings.action(for: key, in: context) == .interrupt { return interrupt() }
        switch context {
        case .tooSmall:
            return KeyBindings.action(for: key, in: context) == .quit ? [.quit] : []
        case .leaveDialog, .conflictDialog, .draftDialog, .disconnectDialog:
            return handleDialogKey(key, context: context)
        case .connect, .connectPaste:
            return handleConnectKey(key, context: context)
        case .home, .homeFilter:
            return handleHomeKey(key)
        case .deployIntegration, .deployCustomer:
            return handleDeployKey(key)
        case .steps:
            return handleStepsKey(key)
        case .form:
            return handleFormKey(key)
        }
    }

    /// Ctrl-C: keep unsaved input as a draft, then leave.
    mutating func interrupt() -> [Effect] {
        wasInterrupted = true
        var effects: [Effect] = []
        if let connect = instance?.connect, connect.isWaiting {
            effects.append(.cancelConnect(instance: connect.instance, variable: connect.variable))
        }
        if let draft = currentDraft { effects.append(.saveDraft(draft)) }
        return effects + [.quit]
    }

    mutating func handlePaste(_ raw: String) -> [Effect] {
        // Terminals send line breaks in pastes as CR.
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        guard dialog == nil, !isTooSmall else { return [] }
        let singleLine = text.trimmingCharacters(in: .newlines).replacingOccurrences(of: "\n", with: "")
        switch screen {
        case .home where home.isFiltering:
            home.filter.insert(singleLine)
            return [.loadInstances(home.filterRequest(rows: Layout.homeListRows(size)))]
        case .deploy where deploy?.step == .customer:
            deploy?.customerEditor.insert(singleLine)
            deploy?.customerIndex = nil
        case .instance where instance?.connect != nil:
            return pasteIntoConnect(singleLine)
        case .instance where instance?.focus == .form:
            return pasteIntoFocusedField(text, singleLine: singleLine)
        default:
            break
        }
        return []
    }

    mutating func handleTick() -> [Effect] {
        ticks += 1
        if var shown = message {
            shown.ticksLeft -= 1
            message = shown.ticksLeft > 0 ? shown : nil
        }
        switch screen {
        case .home:
            // Badges change under us (runs, refreshes, other sessions and hosts): ask every
            // tick, so a change shows within a second; the effect re-reads only when the
            // store's change monitor saw a commit (one cheap check otherwise). Skipped while
            // a page is on its way: it brings fresh rows anyway.
            guard home.isLoaded, !home.isRequesting else { return [] }
            return [.reloadInstancesIfChanged(home.reloadRequest(rows: Layout.homeListRows(size)))]
        case .deploy:
            return []
        case .instance:
            if instance?.connect?.isWaiting == true { instance?.connect?.ticks += 1 }
            return instanceTickEffects()
        }
    }

    mutating func show(_ text: String, isError: Bool = false) {
        message = StatusMessage(text, isError: isError)
    }
}
