import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardTUI

/// Runs effects against a backend synchronously, the way the runtime does, so tests can
/// drive the state machine end to end without a terminal.
struct BackendHarness<Backend: WizardBackend> {
    var state: WizardState
    let backend: Backend
    var effects: [Effect] = []
    var pendingTests: [(instance: String, variable: String)] = []
    var quit = false

    init(role: Role = .team, size: Size = Size(width: 80, height: 24), backend: Backend) {
        self.backend = backend
        state = WizardState(size: size, role: role)
        perform(state.start())
    }

    mutating func send(_ event: Event) {
        perform(state.handle(event))
    }

    mutating func press(_ keys: Key...) {
        for key in keys { send(.key(key)) }
    }

    mutating func type(_ text: String) {
        for character in text { send(.key(.char(character))) }
    }

    mutating func perform(_ list: [Effect]) {
        var queue = list
        while !queue.isEmpty {
            let effect = queue.removeFirst()
            effects.append(effect)
            if effect == .quit { quit = true }
            if case .test(let instance, let variable) = effect { pendingTests.append((instance, variable)) }
            for event in EffectPerformer.perform(effect, backend: backend) {
                queue += state.handle(event)
            }
        }
    }

    /// Finishes the connection tests started so far, as the runtime's task would.
    mutating func finishTests() async {
        while !pendingTests.isEmpty {
            let test = pendingTests.removeFirst()
            send(await EffectPerformer.performTest(instance: test.instance, variable: test.variable, backend: backend))
        }
    }

    var frame: Frame { render(state, theme: .mono) }
    var screen: String { frame.text }

    /// Opens the instance named `name` from the home list.
    mutating func open(_ name: String) {
        guard let index = state.home.instances.firstIndex(where: { $0.name == name }) else {
            fatalError("no instance \(name)")
        }
        perform(state.home.select(state.home.offset + index, rows: 100).map { [.loadInstances($0)] } ?? [])
        press(.enter)
    }

    var form: ConnectionForm? { state.instance?.selectedForm }
    var focused: FieldEdit? { form?.focusedField }

    /// Tabs in the form until the field with `key` has focus.
    mutating func focus(_ key: String) {
        if state.instance?.focus == .steps { press(.enter) }
        guard let index = form?.fields.firstIndex(where: { $0.key == key }) else { fatalError("no field \(key)") }
        while form!.focus < index { press(.tab) }
        while form!.focus > index { press(.backTab) }
    }
}

/// The sentence the core really gives for a pasted URL that does not check out against
/// the demo attempt, so frames show what a person sees.
func realRefusal(_ pasted: String) -> String {
    let state = AuthorizationState(value: "demo-state-0123456789abcdefghijklmnopqrstuvwxyz")
    guard case .failure(let error) = PastedRedirect.evaluate(pasted, expectedState: state, keepMetadata: []) else { fatalError("accepted: \(pasted)") }
    return error.description
}

/// The state machine's own tests run over the in-memory demo.
typealias Harness = BackendHarness<InMemoryWizardBackend>

extension BackendHarness where Backend == InMemoryWizardBackend {
    /// Over the in-memory demo, for the state machine's own tests.
    init(role: Role = .team, size: Size = Size(width: 80, height: 24)) {
        self.init(role: role, size: size, backend: InMemoryWizardBackend.demo(role: role))
    }
}

extension BackendHarness where Backend == StoreWizardBackend {
    /// Over the demo on a real store (`DemoStore`), for golden frames: what users see.
    static func demoStore(role: Role = .team, size: Size = Size(width: 80, height: 24)) async throws -> BackendHarness {
        BackendHarness(role: role, size: size, backend: try await DemoStore.backend(role: role))
    }
}
