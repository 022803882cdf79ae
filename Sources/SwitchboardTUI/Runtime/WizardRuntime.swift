import Foundation
import SwitchboardCore

/// The edge of the wizard: reads input into events, performs effects through the
/// backend, feeds results back, and paints. All curses calls stay on this thread.
final class WizardRuntime<Backend: WizardBackend> {
    private var state: WizardState
    private let backend: Backend
    private let theme: Theme
    private let terminal = CursesTerminal()
    private let inbox = EventInbox()
    private var decoder = InputDecoder()
    private var quitting = false
    /// The CONNECT flow in progress, and where pasted redirect URLs go to it.
    private var connectTask: Task<Void, Never>?
    private var pasteInput: AsyncStream<String>.Continuation?

    /// How often `.tick` is sent: live logs appear within a second.
    private let tickInterval = Duration.milliseconds(500)
    /// Every store effect runs here, in order, off the terminal's thread: a database busy
    /// for 15 seconds (another process holding the write lock) or a slow disk never
    /// freezes keys, resizing or Ctrl-C; results come back through the inbox.
    private let storeQueue = DispatchQueue(label: "switchboard.wizard.store")

    init(backend: Backend, role: Role, theme: Theme, instance: String?) {
        self.backend = backend
        self.theme = theme
        state = WizardState(size: Size(width: 80, height: 24), role: role, openInstance: instance)
    }

    func run() -> Int32 {
        do {
            try terminal.start(theme: theme)
        } catch {
            FileHandle.standardError.write(Data((TerminalText.escaped("switchboard: \(error.message)") + "\n").utf8))
            return 2
        }
        SignalTrap.install()
        defer { SignalTrap.restoreDefaults() }
        state.size = terminal.size
        perform(state.start())
        terminal.paint(render(state, theme: theme))
        var lastTick = ContinuousClock.now
        while !quitting {
            if let number = SignalTrap.pending { return end(signal: number) }
            var events: [Event] = []
            switch terminal.read(milliseconds: decoder.isPending ? 30 : 100) {
            case .unit(let unit): events = decoder.feed(unit)
            case .resized(let size): events = [.resized(size)]
            case .none: events = decoder.idle()
            case .hangup: return end(signal: SIGHUP)
            }
            events += inbox.drain()
            if ContinuousClock.now - lastTick >= tickInterval {
                events.append(.tick)
                lastTick = ContinuousClock.now
            }
            guard !events.isEmpty else { continue }
            for event in events where !quitting { perform(state.handle(event)) }
            if !quitting { terminal.paint(render(state, theme: theme)) }
        }
        terminal.stop()
        stopConnect(waiting: true)
        finishStoreEffects()
        if let draft = state.currentDraft {
            let name = state.instance?.summary.name ?? draft.instance
            FileHandle.standardError.write(Data((TerminalText.escaped("switchboard: unsaved input for \(name) kept as a draft; it will be offered next time") + "\n").utf8))
        }
        return state.wasInterrupted ? 130 : 0
    }

    /// Performs effects in order; each result may bring more effects.
    private func perform(_ effects: [Effect]) {
        var queue = effects
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            switch effect {
            case .quit:
                quitting = true
                return
            case .loadInstances(let request), .reloadInstancesIfChanged(let request):
                // A window of the home list, read in order with the other store effects,
                // off the terminal's thread; one superseded while queued (keys held down,
                // a filter being typed) is skipped, as its answer would be dropped anyway.
                inbox.notePageRequest(request.id)
                let backend = self.backend, inbox = self.inbox
                storeQueue.async {
                    guard inbox.isLatestPage(request.id) else { return }
                    for event in EffectPerformer.perform(effect, backend: backend) { inbox.post(event) }
                }
            case .test(let instance, let variable):
                let backend = self.backend, inbox = self.inbox
                Task.detached {
                    inbox.post(await EffectPerformer.performTest(instance: instance, variable: variable, backend: backend))
                }
            case .connect(let instance, let variable, let timeout):
                stopConnect(waiting: false)
                let (stream, continuation) = AsyncStream.makeStream(of: String.self)
                pasteInput = continuation
                let backend = self.backend, inbox = self.inbox
                let generation = inbox.nextConnectGeneration()
                connectTask = Task.detached {
                    let outcome = await EffectPerformer.performConnect(
                        instance: instance, variable: variable, timeoutSeconds: timeout, pasted: stream, backend: backend) {
                        inbox.post($0, connectGeneration: generation)
                    }
                    inbox.post(outcome, connectGeneration: generation)
                }
            case .submitRedirect(_, _, let url):
                pasteInput?.yield(url)
            case .cancelConnect:
                stopConnect(waiting: false)
            case .disconnect(let instance, let variable):
                let backend = self.backend, inbox = self.inbox
                Task.detached {
                    inbox.post(await EffectPerformer.performDisconnect(instance: instance, variable: variable, backend: backend))
                }
            case .loadInstancePage:
                // The first frame's rows: one short read, kept on this thread so the first
                // frame already shows them.
                for event in EffectPerformer.perform(effect, backend: backend) { queue += state.handle(event) }
            case .copyToClipboard(let text):
                terminal.copyToClipboard(text)
            case .printOutside(let text):
                terminal.printOutside(text)
            default:
                let backend = self.backend, inbox = self.inbox
                storeQueue.async {
                    for event in EffectPerformer.perform(effect, backend: backend) { inbox.post(event) }
                }
            }
        }
    }

    /// Cancels the CONNECT in progress (its catcher stops, the pending authorization is
    /// forgotten and the cancellation logged). Before exiting, waits a moment for that.
    private func stopConnect(waiting: Bool) {
        pasteInput?.finish()
        pasteInput = nil
        guard let task = connectTask else { return }
        connectTask = nil
        _ = inbox.nextConnectGeneration()
        task.cancel()
        guard waiting else { return }
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await task.value
            done.signal()
        }
        _ = done.wait(timeout: .now() + 3)
    }

    /// Lets queued store effects (a draft being saved, say) finish before the process
    /// ends, for at most the store's busy timeout and a little more.
    private func finishStoreEffects() {
        let done = DispatchSemaphore(value: 0)
        storeQueue.async { done.signal() }
        _ = done.wait(timeout: .now() + 20)
    }

    /// A signal or a vanished terminal: give the terminal back first, then keep unsaved
    /// input as a draft, then exit with the shell's status for that signal.
    private func end(signal number: Int32) -> Int32 {
        terminal.stop()
        stopConnect(waiting: true)
        finishStoreEffects()
        if let draft = state.currentDraft {
            do {
                try backend.saveDraft(draft)
                let name = state.instance?.summary.name ?? draft.instance
                FileHandle.standardError.write(Data((TerminalText.escaped("switchboard: unsaved input for \(name) kept as a draft; it will be offered next time") + "\n").utf8))
            } catch {
                FileHandle.standardError.write(Data((TerminalText.escaped("switchboard: could not keep unsaved input as a draft: \(EffectPerformer.sentence(error))") + "\n").utf8))
            }
        }
        return 128 + number
    }
}
