import Foundation
import Synchronization

/// One OAuth connection of an instance with everything a flow needs: the resolved client,
/// the effective values, the stored tokens and every secret to keep out of messages.
package struct OAuthConnection: Sendable {
    package var instanceId: String
    package var instanceName: String
    package var variable: String
    package var connectionId: Int64
    package var connectionType: ConnectionType
    package var values: [String: String]
    package var client: OAuthClient
    package var token: StoredToken?
    /// Bumped by every token store; a refresh writes only over the generation it read.
    package var tokenGeneration: Int
    package var metadata: [String: String]
    /// Secret field values, secret defaults and tokens: redacted from every message.
    package var secrets: [String]
    /// For a customer actor: what their copy of an error must lose (hidden fields' names
    /// and values, which a provider may echo: "Application with identifier … not found").
    package var hiddenFromReader: HiddenFieldRedactor? = nil
    /// The token or device endpoint reads a value a customer entered. Whatever it answers
    /// is the customer's own text: shown back to them through the redactors, it would tell
    /// them which guess was a secret (an oracle), so customers get none of it.
    package var endpointsChosenByCustomer = false
    /// The Scopes field is customer visible (else scope names are the team's to read).
    package var customerSeesScopes = true

    package var options: OAuthOptions { client.options }

    static let teamOnlyAnswer = "the request to an address a customer entered failed; its answer is shown to the team only"

    /// A message about this connection with text from outside kept for the team when the
    /// customer chose the endpoint that wrote it.
    package func forAudiences(_ message: Message) -> Message {
        guard endpointsChosenByCustomer else { return message }
        return Message(message.parts.map { part in
            if case .outside(let text) = part { return .perAudience(team: text, customer: "(an answer shown to the team only)") }
            return part
        })
    }

    /// An error's text as the one who asked may read it: every secret (and `more`)
    /// redacted, and for a customer every hidden field's name and value.
    package func readerText(_ text: String, redacting more: [String] = []) -> String {
        if hiddenFromReader != nil && endpointsChosenByCustomer { return Self.teamOnlyAnswer }
        let safe = redactor(more).redact(text)
        return hiddenFromReader?.redact(safe) ?? safe
    }
    package var label: String { "\(instanceName) \(variable)" }

    package func redactor(_ more: [String] = []) -> Redactor { Redactor(secrets: secrets + more) }
}

extension Store {
    /// Loads an OAuth connection. Fails clearly when the connection is not OAuth, or when a
    /// field the grant needs is missing or invalid (fix the form first).
    /// `discovery`: issuer metadata CONNECT just fetched, used instead of the cached one
    /// (it is cached only once CONNECT has stored tokens with it).
    package func oauthConnection(instance reference: String, variable: String, discovery: AuthorizationServerMetadata? = nil) throws -> OAuthConnection {
        try database.read { db in
            let (instance, _) = try resolveInstance(db, reference)
            let box = try secretBox(db)
            let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
            let (connection, resolvedVariable) = try resolveConnection(db, instance, resolved, variable: variable)
            return try oauthConnection(db, instance: instance, resolved: resolved, connection: connection, variable: resolvedVariable, box: box,
                                       discovery: discovery)
        }
    }

    /// A leased connection and its token's state, from its row in `leasedRows` (nil: the
    /// connection is gone).
    func leasedConnection(_ db: any SQLConnection, _ row: Result<LeasedRow, any Error>?, connectionId: Int64, cache: IntegrationCache? = nil) throws -> (OAuthConnection, LeasedTokenState) {
        guard let loaded = try row?.get() else {
            throw SwitchboardError.notFound("connection \(connectionId) no longer exists")
        }
        let (connection, instance) = (loaded.connection, loaded.instance)
        let box = try cache?.box ?? secretBox(db)
        let resolved: ResolvedIntegration
        if let cached = cache?.integration(instance.integrationVersionId) {
            resolved = cached
        } else {
            resolved = try integrationVersion(db, id: instance.integrationVersionId, box: box).resolved
            cache?.remember(resolved, for: instance.integrationVersionId)
        }
        guard let variable = resolved.variable(connection.variable) else {
            throw SwitchboardError.notFound("\(instance.name) has no connection '\(connection.variable)' any more")
        }
        let built = try oauthConnection(db, instance: instance, resolved: resolved, connection: connection, variable: variable, box: box,
                                        known: loaded.known, stored: loaded.stored, cache: cache)
        return (built, loaded.state)
    }

    /// The leased connections of up to `leaseChunk` ids and their tokens' state, by
    /// connection id, read by two statements: each connection, its instance, its token and
    /// its last refresh event; then their stored values. The five separate reads of a
    /// connection were a fifth of a refresh's instructions, and one joined read per lease,
    /// its columns found by name, still 52,000 and its values 16,000 (callgrind, 300
    /// refreshes). A row that cannot be read is that connection's failure, not the batch's.
    func leasedRows(_ db: any SQLConnection, _ ids: ArraySlice<Int64>, box: SecretBox) throws -> [Int64: Result<LeasedRow, any Error>] {
        var rows: [Int64: Result<LeasedRow, any Error>] = [:]
        rows.reserveCapacity(ids.count)
        try db.forEachRow(Self.leasedRowsSQL, [ConnectionEvent.Kind.status.rawValue] + Self.padded(ids)) { row in
            rows[try row.get(0, as: Int64.self)] = Result { try LeasedRow(row) }
        }
        for (id, values) in try storedValuesAndWriters(db, connectionIds: ids, box: box) {
            if case .success(var row) = rows[id] {
                row.stored = values
                rows[id] = .success(row)
            }
        }
        return rows
    }

    /// `leasedRows`'s statement, written once, its columns in `LeasedRow`'s order
    /// (arguments: the status kind, then `leaseChunk` ids, NULL for the places left over).
    static let leasedRowsSQL = """
        SELECT c."id", c."instanceId", c."variable", c."component", c."connectionType", c."complete", c."outcome", c."reason",
               c."reasonParts", c."metadata", c."revision", c."updatedAt", c."discovery",
               i."name", i."customer", i."integrationVersionId", i."createdAt", i."createdBy",
               "token"."sealed", "token"."generation", "token"."refreshFailures", "token"."lastFailureAt", "token"."gaveUpAt",
               "token"."renewBy", (\(lastRefreshEvent("token"))) AS "lastRefreshEvent"
        FROM "connection" c JOIN "instance" i ON i."id" = c."instanceId" JOIN "token" ON "token"."connectionId" = c."id"
        WHERE c."id" IN (\(Array(repeating: "?", count: leaseChunk).joined(separator: ", ")))
        """

    func oauthConnection(_ db: any SQLConnection, instance: InstanceRecord, resolved: ResolvedIntegration, connection: ConnectionRecord,
                         variable: ResolvedVariable, box: SecretBox, discovery fresh: AuthorizationServerMetadata? = nil,
                         known: KnownTokenRow? = nil, stored preloaded: Result<StoredValues, any Error>? = nil, cache: IntegrationCache? = nil) throws -> OAuthConnection {
        guard variable.connectionType.oauth2 != nil else {
            throw SwitchboardError.usage("\(instance.name) \(variable.key) is a \(variable.connectionType.label) connection, not OAuth 2.0; it needs no CONNECT")
        }
        let read = try preloaded?.get() ?? storedValuesAndWriters(db, connectionId: connection.id!, box: box)
        let (stored, customerWritten) = (read.values, read.customerWritten)
        let memo = IntegrationCache.VariableKey(version: instance.integrationVersionId, variable: variable.key)
        // What the values alone decide (field states, effective values, the client) is
        // remembered per variable for the values last seen: a pass over connections that
        // share a client derives it once (callgrind: 55,000 instructions a connection).
        var derived = cache?.derived(memo, stored: stored) ?? IntegrationCache.Derived(stored: stored, fields: Self.fieldDerivation(variable, stored))
        let states = derived.fields.states
        if let invalid = states.first(where: { $0.error != nil }), let error = invalid.error {
            // A customer is not told which field only the team sees is wrong, or its label.
            let what = actor.role.isCustomer && !invalid.customerVisible
                ? "a field only the team sees is not set or not valid; ask the team to fix it" : error.description
            throw SwitchboardError.invalidValue("\(instance.name) \(variable.key): \(what); fix it before connecting")
        }
        let values = derived.fields.values
        var secrets = cache?.secretDefaults(instance.integrationVersionId, of: resolved) ?? SecretDefaults.values(in: resolved)
        secrets += derived.fields.secrets
        var token: StoredToken?
        var generation = 0
        if let known {
            token = try known.sealed.map { try StoredToken.decode(box.open($0)) }
            generation = known.generation
        } else if let row = try db.row("SELECT \"sealed\", \"generation\" FROM \"token\" WHERE \"connectionId\" = ?", [connection.id]) {
            token = try StoredToken.decode(box.open(row.get(0)))
            generation = try row.get(1)
        }
        secrets += token?.secretValues ?? []
        let metadata = try connection.metadata.map { try JSON.decode([String: String].self, from: $0) } ?? [:]
        let metadataFound = try fresh ?? (known.map { Self.cachedDiscovery($0.discovery) } ?? discovery(db, connectionId: connection.id!))
        let inputs = IntegrationCache.ClientInputs(customerWritten: customerWritten, discovery: metadataFound, carryingTokens: token != nil)
        let client: IntegrationCache.ClientDerivation
        if let known = derived.client, derived.clientInputs == inputs {
            client = known
        } else {
            client = try Self.clientDerivation(variable, derived.fields, inputs)
            derived.clientInputs = inputs
            derived.client = client
            cache?.remember(derived, for: memo)
        }
        var built = OAuthConnection(
            instanceId: instance.id, instanceName: instance.name, variable: variable.key, connectionId: connection.id!,
            connectionType: variable.connectionType, values: values, client: client.client,
            token: token, tokenGeneration: generation, metadata: metadata, secrets: secrets,
            hiddenFromReader: actor.role.isCustomer ? HiddenFieldRedactor.customerView(of: states) : nil,
            endpointsChosenByCustomer: client.endpointsChosenByCustomer)
        built.customerSeesScopes = variable.isCustomerVisible("scopes")
        return built
    }

    /// The field states of stored values, their effective values and the secret ones.
    static func fieldDerivation(_ variable: ResolvedVariable, _ stored: [String: String]) -> IntegrationCache.FieldDerivation {
        let states = FieldStates.compute(variable: variable, stored: stored)
        return IntegrationCache.FieldDerivation(states: states, values: FieldStates.effectiveValues(states),
                                                secrets: states.filter(\.isSecret).compactMap(\.effectiveValue))
    }

    /// The client of the values, guarded by who wrote them, and whether a customer chose
    /// where its requests go.
    static func clientDerivation(_ variable: ResolvedVariable, _ fields: IntegrationCache.FieldDerivation,
                                 _ inputs: IntegrationCache.ClientInputs) throws -> IntegrationCache.ClientDerivation {
        let client = try OAuthClient(type: variable.connectionType, values: fields.values, discovery: inputs.discovery)
        let provenance = ValueProvenance(states: fields.states, customerWritten: inputs.customerWritten)
        // Whoever set the issuer chose the server whose metadata and answers come back.
        let endpoints = client.destination("tokenUrl") + client.destination("deviceAuthorizationUrl", template: variable.connectionType.oauth2?.deviceAuthorizationUrl)
            + (client.issuer == nil ? [] : ["issuer"])
        return IntegrationCache.ClientDerivation(client: try client.guarded(by: provenance, carryingTokens: inputs.carryingTokens),
                                                 endpointsChosenByCustomer: provenance.chosenByCustomer(endpoints))
    }

    /// Appends to the connection's log; its outside parts lose every known secret, and `more`.
    package func logOAuth(_ connection: OAuthConnection, level: LogLevel, _ message: Message, redacting more: [String] = []) throws {
        let text = connection.redactor(more).redactOutside(connection.forAudiences(message))
        try database.write { db in
            try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: level, message: text)
        }
    }

    /// A failed CONNECT or test: logged, and with `setError` the badge turns red with the
    /// reason (e.g. the provider's `invalid_client`).
    package func recordOAuthFailure(_ connection: OAuthConnection, _ message: Message, setError: Bool, redacting more: [String] = []) throws {
        let redactor = connection.redactor(more)
        let message = redactor.redactOutside(connection.forAudiences(message))
        try database.write { db in
            if setError, var record = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [connection.connectionId]) {
                record.outcome = .error
                record.setReason(message)
                record.updatedAt = now()
                try updateConnection(db, record)
            }
            try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .error, message: message)
        }
    }
}

/// The token row and cached discovery of a connection, when its caller read them already.
struct KnownTokenRow {
    var sealed: Data?
    var generation: Int
    var discovery: String?
}

/// One row of `Store.leasedRowsSQL`, read by position: by name, each column was a lookup
/// of its own.
struct LeasedRow {
    var connection: ConnectionRecord
    var instance: InstanceRecord
    var known: KnownTokenRow
    var state: LeasedTokenState
    /// The connection's stored values, read for the whole chunk (nil: read when needed).
    var stored: Result<StoredValues, any Error>?

    init(_ row: SQLRow) throws {
        let id: Int64 = try row.get(0)
        connection = ConnectionRecord(id: id, instanceId: try row.get(1), variable: try row.get(2), component: try row.get(3),
                                      connectionType: try row.get(4), complete: try row.get(5), outcome: try row.get(6),
                                      reason: try row.get(7), reasonParts: try row.get(8), metadata: try row.get(9),
                                      revision: try row.get(10), updatedAt: try row.get(11))
        // The instance's columns but its id, which is the connection's `instanceId`.
        instance = InstanceRecord(id: connection.instanceId, name: try row.get(13), customer: try row.get(14),
                                  integrationVersionId: try row.get(15), createdAt: try row.get(16), createdBy: try row.get(17))
        known = KnownTokenRow(sealed: try row.get(18), generation: try row.get(19), discovery: try row.get(12))
        let refresh = TokenRefreshState(failures: try row.get(20), gaveUpAt: try row.get(22),
                                        lastEventWasFailure: try row.get(24, as: String?.self) == ConnectionEvent.Kind.refreshFailed.rawValue)
        state = LeasedTokenState(generation: known.generation, lastFailureAt: try row.get(21), renewBy: try row.get(23), refresh: refresh)
    }
}

/// A leased token's state when the lease is taken: the result is written only over that
/// generation, and with that refresh state while no failure was recorded since.
struct LeasedTokenState: Sendable {
    var generation: Int
    var lastFailureAt: String?
    /// As the generation holds it: every write of `renewBy` makes a new generation.
    var renewBy: String?
    var refresh: TokenRefreshState
}

/// What a stored refresh result ends: a give-up, a run of failure events.
struct TokenRefreshState: Sendable {
    /// The failures the result ends.
    var failures: Int
    var gaveUpAt: String?
    /// The connection's last refresh event (any but a status change) is a failure: a
    /// refresh that works now is a recovery. Asked of the events rather than the failure
    /// counter, so failures the counter forgot (new values or a reconnect reset it) still
    /// get their end in the feed.
    var lastEventWasFailure: Bool
}

/// Resolved integrations by version id, for loops over many connections (refresh): a
/// stored version never changes, so decoding it once per run is enough. Also what is
/// derived from a connection variable of a version and its values alone (the field states,
/// the client), remembered for the values last seen: pure functions of them, so
/// connections with the same values (one client shared by many instances) derive them once.
final class IntegrationCache: Sendable {
    struct VariableKey: Hashable, Sendable {
        var version: Int64
        var variable: String
    }

    struct FieldDerivation: Sendable {
        var states: [FieldState]
        var values: [String: String]
        /// The effective values of secret fields.
        var secrets: [String]
    }

    /// What the guarded client depends on besides the values.
    struct ClientInputs: Sendable, Equatable {
        var customerWritten: Set<String>
        var discovery: AuthorizationServerMetadata?
        var carryingTokens: Bool
    }

    struct ClientDerivation: Sendable {
        var client: OAuthClient
        var endpointsChosenByCustomer: Bool
    }

    /// The derivations of one variable for the stored values last seen.
    struct Derived: Sendable {
        var stored: [String: String]
        var fields: FieldDerivation
        var clientInputs: ClientInputs?
        var client: ClientDerivation?
    }

    private final class Storage: Sendable {
        let integrations = Mutex<[Int64: ResolvedIntegration]>([:])
        let derived = Mutex<[VariableKey: Derived]>([:])
        let secretDefaults = Mutex<[Int64: [String]]>([:])
    }

    private let storage: Storage
    let box: SecretBox?

    init(box: SecretBox?) {
        self.box = box
        storage = Storage()
    }

    private init(box: SecretBox?, storage: Storage) {
        self.box = box
        self.storage = storage
    }

    /// The same remembered values, with `box` to open secrets.
    func using(_ box: SecretBox) -> IntegrationCache { IntegrationCache(box: box, storage: storage) }

    func integration(_ id: Int64) -> ResolvedIntegration? { storage.integrations.withLock { $0[id] } }
    func remember(_ integration: ResolvedIntegration, for id: Int64) { storage.integrations.withLock { $0[id] = integration } }

    /// `SecretDefaults.values(in:)` of the version `id`, worked out once per pass.
    func secretDefaults(_ id: Int64, of resolved: ResolvedIntegration) -> [String] {
        if let known = storage.secretDefaults.withLock({ $0[id] }) { return known }
        let values = SecretDefaults.values(in: resolved)
        storage.secretDefaults.withLock { $0[id] = values }
        return values
    }

    /// What was derived for `key` from exactly these stored values, if anything.
    func derived(_ key: VariableKey, stored: [String: String]) -> Derived? {
        storage.derived.withLock { entries in
            guard let entry = entries[key], entry.stored == stored else { return nil }
            return entry
        }
    }

    func remember(_ derived: Derived, for key: VariableKey) {
        storage.derived.withLock { $0[key] = derived }
    }
}

extension Store {
    /// The connection config variable a step uses, if the step has one and it is OAuth
    /// with tokens (what `run` may need to refresh first).
    package func oauthVariable(instance reference: String, step stepKey: String) throws -> String? {
        try database.read { db in
            let (instance, resolved) = try resolveInstance(db, reference)
            guard let variableKey = resolved.step(stepKey)?.connection,
                  resolved.variable(variableKey)?.connectionType.oauth2 != nil,
                  let connection = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"instanceId\" = ? AND \"variable\" = ?",
                                                 [instance.id, variableKey]),
                  try db.row("SELECT 1 FROM \"token\" WHERE \"connectionId\" = ?", [connection.id]) != nil else {
                return nil
            }
            return variableKey
        }
    }
}
