import Foundation

/// What "Test connection" needs: the declared request, the values for its templates, the
/// access token for `{{access_token}}`, and the secrets to keep out of the result.
package struct TestSubject: Sendable {
    package var instance: String
    package var variable: String
    package var test: TestRequest?
    package var values: [String: String]
    package var isOAuth: Bool
    package var accessToken: String?
    package var tokenExpiresAt: String?
    /// Whether the provider said when the token ends (not assumed, not unknown).
    package var tokenExpiryKnown = false
    /// Each field's class, so the result shows each audience only what it may see.
    package var classes: [String: ValueClass]
    /// Whom the result is for: the actor's audience.
    package var audience: Message.Audience
    /// The test URL reads a value a customer entered.
    package var destinationChosenByCustomer: Bool
    /// Why the request must not be sent: it would carry the team's values to an address
    /// a customer chose (`ValueProvenance`).
    package var refusal: SwitchboardError?
    var secrets: [String]
}

extension Store {
    package func testSubject(instance reference: String, variable: String) throws -> TestSubject {
        try database.read { db in
            let (instance, _) = try resolveInstance(db, reference)
            let box = try secretBox(db)
            let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
            let (connection, resolvedVariable) = try resolveConnection(db, instance, resolved, variable: variable)
            let states = FieldStates.compute(variable: resolvedVariable, stored: try storedValues(db, connectionId: connection.id!, box: box))
            var secrets = SecretDefaults.values(in: resolved)
            for state in states where state.isSecret { if let value = state.effectiveValue { secrets.append(value) } }
            var token: StoredToken?
            if let sealed = try db.value(Data.self, "SELECT \"sealed\" FROM \"token\" WHERE \"connectionId\" = ?", [connection.id]) {
                token = try StoredToken.decode(box.open(sealed))
                secrets += token?.secretValues ?? []
            }
            let test = resolvedVariable.connectionType.test
            // Read once: who entered which value decides both where the test may go and
            // whether its answer may reach a customer. Errors fail closed (no test sent).
            let provenance = try provenance(db, connectionId: connection.id!, states: states)
            let destination = test.map { Template.references(in: $0.url) } ?? []
            // Token and callback metadata (`{{instance_url}}`, `{{realmId}}`) come from the
            // provider the connection is configured for; a field of the same name wins.
            var metadata = try connection.metadata.map { try JSON.decode([String: String].self, from: $0) } ?? [:]
            // Whoever completed the browser step wrote the callback's values (a pasted URL is
            // typed): percent-encoded outside RFC 3986's unreserved set, one stays one path
            // segment (`realmId`), never a path, query or host of its own.
            for key in resolvedVariable.connectionType.oauth2?.callbackMetadata ?? [] {
                metadata[key] = metadata[key].map(FormEncoding.escape)
            }
            let values = FieldStates.effectiveValues(states).merging(metadata) { field, _ in field }
            return TestSubject(
                instance: instance.name, variable: resolvedVariable.key, test: test,
                values: values, isOAuth: resolvedVariable.connectionType.oauth2 != nil,
                accessToken: token?.accessToken, tokenExpiresAt: token?.expiresAt, tokenExpiryKnown: token?.expiryKnown ?? false,
                classes: Dictionary(uniqueKeysWithValues: states.map { ($0.key, $0.valueClass) }),
                audience: actor.role.isCustomer ? .customer(HiddenFieldRedactor.customerView(of: states)) : .team,
                destinationChosenByCustomer: provenance.chosenByCustomer(destination),
                refusal: test.flatMap { test in
                    let carried = ([test.url, test.body ?? ""] + test.headers.values).flatMap(Template.references)
                    return provenance.refusal("the test request", destination: destination, carrying: carried)
                },
                secrets: secrets)
        }
    }
}
