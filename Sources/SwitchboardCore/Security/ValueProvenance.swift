/// Who put each value of a connection there, so a request never carries what the team
/// holds to an address a customer chose (SPEC §12). Without it, a customer who may edit a
/// token URL, a host or a test URL could point it at a server of their own and receive
/// the team's client secret or a hidden API key with the next CONNECT, refresh or test.
package struct ValueProvenance: Sendable {
    private let states: [String: FieldState]
    private let customerWritten: Set<String>

    /// - Parameter customerWritten: keys whose stored value a customer entered.
    package init(states: [FieldState], customerWritten: Set<String>) {
        self.states = Dictionary(uniqueKeysWithValues: states.map { ($0.key, $0) })
        self.customerWritten = customerWritten
    }

    /// Whether any of these addresses reads a value a customer entered.
    package func chosenByCustomer(_ destination: [String]) -> Bool { destination.contains(where: isCustomerControlled) }

    /// A value a customer entered, or a template reading one.
    package func isCustomerControlled(_ key: String) -> Bool {
        guard let state = states[key] else { return false }
        if state.definition.type == .template { return state.definition.templateReferences.contains(where: isCustomerControlled) }
        return customerWritten.contains(key)
    }

    /// A value the customer may not see and did not enter: a hidden field, a secret
    /// default, a secret the team typed; or a template reading one.
    /// A name that is no field (`access_token`, `refresh_token`, token metadata) is what
    /// the provider gave the team's client: team-only too.
    package func isTeamOnly(_ key: String) -> Bool {
        guard let state = states[key] else { return true }
        if state.definition.type == .template { return state.definition.templateReferences.contains(where: isTeamOnly) }
        return state.valueClass >= .hidden && !customerWritten.contains(key) && state.isSet
    }

    /// Why a request to an address read from `destination` may not carry `carried`, or
    /// nil when it may. Names only the address's fields, which the customer wrote.
    package func refusal(_ what: String, destination: [String], carrying carried: [String]) -> SwitchboardError? {
        let chosen = destination.filter(isCustomerControlled)
        guard !chosen.isEmpty, carried.contains(where: isTeamOnly) else { return nil }
        let names = chosen.map { states[$0].map { "\($0.label) (\($0.key))" } ?? $0 }.joined(separator: ", ")
        return .forbidden("\(what) would go to an address a customer entered (\(names)) carrying values only the team holds; "
            + "a team member must set or clear \(names) first (configure --unset)")
    }
}
