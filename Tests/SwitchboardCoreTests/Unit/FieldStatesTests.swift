import Testing
@testable import SwitchboardCore

@Suite("FieldStates.compute")
struct FieldStatesTests {
    static let type = ConnectionType(key: "basic", label: "Basic", fields: [
        FieldDefinition(key: "host", label: "Host", type: .url, required: true, defaultValue: "https://component.example"),
        FieldDefinition(key: "tenant", label: "Tenant", type: .string, required: true),
        FieldDefinition(key: "region", label: "Region", type: .string, defaultValue: "eu"),
        FieldDefinition(key: "user", label: "User", type: .string, required: true),
        FieldDefinition(key: "tokenUrl", label: "Token URL", type: .template, required: true, defaultValue: "{{host}}/{{tenant}}/token"),
    ])

    static func variable(_ overrides: [String: FieldOverride] = [:]) -> ResolvedVariable {
        ResolvedVariable(key: "api", component: "c", componentLabel: "C", connectionType: type, overrides: overrides)
    }

    func state(_ states: [FieldState], _ key: String) -> FieldState? { states.first { $0.key == key } }

    @Test("given nothing stored, when computed, then component defaults are the values")
    func defaults() {
        let states = FieldStates.compute(variable: Self.variable(), stored: [:])
        #expect(state(states, "host")?.effectiveValue == "https://component.example")
        #expect(state(states, "host")?.storedValue == nil)
        #expect(state(states, "region")?.effectiveValue == "eu")
        #expect(state(states, "user")?.effectiveValue == nil)
        #expect(state(states, "user")?.error == .missing(label: "User"))
        #expect(!FieldStates.isComplete(states))
    }

    @Test("given an integration default, when computed, then it beats the component default")
    func overrideBeatsComponentDefault() {
        let states = FieldStates.compute(
            variable: Self.variable(["host": FieldOverride(defaultValue: "https://integration.example")]), stored: [:])
        #expect(state(states, "host")?.defaultValue == "https://integration.example")
        #expect(state(states, "host")?.effectiveValue == "https://integration.example")
    }

    @Test("given a stored value, when computed, then it beats every default; an empty one does not")
    func storedBeatsDefault() {
        let variable = Self.variable(["region": FieldOverride(defaultValue: "us")])
        #expect(state(FieldStates.compute(variable: variable, stored: ["region": "ap"]), "region")?.effectiveValue == "ap")
        #expect(state(FieldStates.compute(variable: variable, stored: ["region": ""]), "region")?.effectiveValue == "us")
    }

    @Test("given customerVisible false, then only that field is hidden; unlisted fields stay visible")
    func hiddenFieldVisibility() {
        let states = FieldStates.compute(
            variable: Self.variable(["tenant": FieldOverride(defaultValue: "t1", customerVisible: false),
                                     "region": FieldOverride(customerVisible: true)]), stored: [:])
        #expect(state(states, "tenant")?.customerVisible == false)
        #expect(state(states, "tenant")?.effectiveValue == "t1")
        #expect(state(states, "region")?.customerVisible == true)
        #expect(state(states, "user")?.customerVisible == true)
    }

    @Test("given every input, when computed, then a template renders from the effective values")
    func templateRendering() {
        let states = FieldStates.compute(
            variable: Self.variable(["tenant": FieldOverride(defaultValue: "acme")]),
            stored: ["host": "https://stored.example", "user": "u"])
        #expect(state(states, "tokenUrl")?.effectiveValue == "https://stored.example/acme/token")
        #expect(state(states, "tokenUrl")?.error == nil)
        #expect(FieldStates.isComplete(states))
        #expect(FieldStates.effectiveValues(states)["tokenUrl"] == "https://stored.example/acme/token")
    }

    @Test("given a template input missing, then the template has no value and a required one is an error")
    func templateMissingInput() {
        let states = FieldStates.compute(variable: Self.variable(), stored: ["user": "u"])
        #expect(state(states, "tokenUrl")?.effectiveValue == nil)
        #expect(state(states, "tokenUrl")?.error == .missing(label: "Token URL"))
        #expect(!FieldStates.isComplete(states))
    }

    @Test("given a stored value for a template, then it is ignored")
    func templateIgnoresStored() {
        let states = FieldStates.compute(
            variable: Self.variable(), stored: ["tenant": "t", "user": "u", "tokenUrl": "https://evil.example"])
        #expect(state(states, "tokenUrl")?.effectiveValue == "https://component.example/t/token")
    }

    @Test("given an invalid stored value, then the field carries its validation error")
    func invalidStoredValue() {
        let states = FieldStates.compute(variable: Self.variable(), stored: ["host": "ftp://x.example", "tenant": "t", "user": "u"])
        guard case .notAURL = state(states, "host")?.error else {
            Issue.record("an ftp host must not validate")
            return
        }
        #expect(!FieldStates.isComplete(states))
    }

    @Test("OAuth labels rename fields without changing keys")
    func oauthLabels() {
        var options = OAuthOptions()
        options.labels = ["clientId": "Consumer Key"]
        let type = ConnectionType(key: "oauth", label: "OAuth", fields: [
            FieldDefinition(key: "clientId", label: "Client ID", type: .string, required: true),
        ], oauth2: options)
        let variable = ResolvedVariable(key: "sf", component: "sf", componentLabel: "SF", connectionType: type, overrides: [:])
        let states = FieldStates.compute(variable: variable, stored: [:])
        #expect(states.first?.key == "clientId")
        #expect(states.first?.label == "Consumer Key")
        #expect(states.first?.error == .missing(label: "Consumer Key"))
    }
}

@Suite("StatusRule")
struct StatusRuleTests {
    @Test("the badge for every combination of completeness and last outcome", arguments: [
        (false, ConnectionOutcome.none, ConnectionStatus.unconfigured),
        (true, .none, .configured),
        (true, .ok, .ok),
        (true, .error, .error),
        (false, .error, .error),
        (false, .ok, .unconfigured),
    ])
    func rule(complete: Bool, outcome: ConnectionOutcome, expected: ConnectionStatus) {
        #expect(StatusRule.status(complete: complete, outcome: outcome) == expected)
    }

    @Test("given an ok or error connection, when its values change (outcome reset), then it is configured again")
    func backToConfigured() {
        for previous in [ConnectionOutcome.ok, .error] {
            #expect(StatusRule.status(complete: true, outcome: previous) != .configured)
            // A value change resets the outcome; the rule then gives configured.
            #expect(StatusRule.status(complete: true, outcome: .none) == .configured)
        }
    }

    @Test("every badge has a distinct colour and word")
    func badges() {
        let all = ConnectionStatus.allCases
        #expect(Set(all.map(\.colorName)).count == all.count)
        #expect(all.map(\.rawValue) == ["unconfigured", "configured", "ok", "error"])
    }
}
