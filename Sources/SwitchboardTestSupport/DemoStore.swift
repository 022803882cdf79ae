import Crypto
import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardTUI

/// The demo world on a real store (a temporary database), for golden frames: every badge,
/// reason and log line in them is what the store itself writes, reached the way users reach
/// it (import, deploy, configure, a step's run, a connection test against a scripted
/// provider). The clock steps one second per recorded time from 2025-03-14 09:00:00 UTC,
/// so frames read the same on every run.
package enum DemoStore {
    package static let definitions = """
        component: acme-crm
        label: Acme CRM
        actions: [list-invoices]
        connections:
          - key: apiKey
            label: API key
            fields:
              - {key: host, label: Host URL, type: url, required: true, default: "https://api.acme.test", comments: "The API root of your Acme CRM account."}
              - {key: apiKey, label: API Key, type: password, required: true, comments: "Find it in Acme CRM under Settings → API."}
              - {key: tenant, label: Tenant, type: string, required: true, comments: "Lower-case letters, digits and dashes.", example: acme-prod, pattern: "[a-z0-9-]+"}
              - {key: region, label: Region, type: picklist, default: eu, choices: [{label: EU, value: eu}, {label: US, value: us}, {label: Asia, value: ap}]}
              - {key: verbose, label: Verbose logging, type: boolean, default: "false"}
              - {key: notes, label: Notes, type: text, placeholder: "Anything the next person should know"}
              - {key: endpoint, label: Endpoint, type: template, default: "{{host}}/v1/{{tenant}}"}
            test: {method: GET, url: "{{host}}/v1/me", headers: {Authorization: "Bearer {{apiKey}}"}, expectStatus: 200}
          - key: oauth
            label: OAuth 2.0
            oauth2:
              grant: authorization_code
              labels: {clientId: Consumer Key}
            fields:
              - {key: authorizeUrl, label: Authorize URL, type: url, required: true, default: "https://login.acme.test/oauth/authorize"}
              - {key: tokenUrl, label: Token URL, type: url, required: true, default: "https://login.acme.test/oauth/token"}
              - {key: scopes, label: Scopes, type: string, default: "read write"}
              - {key: clientId, label: Client ID, type: string, required: true}
              - {key: clientSecret, label: Client Secret, type: password, required: true}
        ---
        component: amazon-s3
        label: Amazon S3
        actions: [put-object]
        connections:
          - key: accessKey
            label: Access key
            fields:
              - {key: accessKeyId, label: Access key ID, type: string, required: true, example: AKIAIOSFODNN7EXAMPLE}
              - {key: secretAccessKey, label: Secret access key, type: password, required: true}
              - {key: region, label: Region, type: picklist, default: us-east-1, choices: [{label: us-east-1, value: us-east-1}, {label: eu-west-1, value: eu-west-1}]}
            test: {method: GET, url: "https://s3.amazonaws.com/", expectStatus: 200}
        ---
        integration: sync-invoices
        name: Sync invoices
        configVariables:
          - key: crm
            component: acme-crm
            connection: apiKey
            fields:
              host: {customerVisible: false}
          - {key: store, component: amazon-s3, connection: accessKey}
        steps:
          - {key: fetch, component: acme-crm, action: list-invoices, connection: crm}
          - {key: store, component: amazon-s3, action: put-object, connection: store}
        ---
        integration: crm-oauth
        name: CRM over OAuth
        configVariables:
          - key: crm
            component: acme-crm
            connection: oauth
            fields:
              clientId: {default: abc123, customerVisible: false}
              clientSecret: {default: s3cr3t, customerVisible: false}
        steps:
          - {key: fetch, component: acme-crm, action: list-invoices, connection: crm}

        """

    /// S3's answer to the globex test: a denied key.
    static let denied = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"

    /// A store holding the demo, seeded as the team and handed back acting as `role`.
    package static func make(role: Role = .team) async throws -> Store {
        let box = SecretBox(key: SymmetricKey(size: .bits256), keySource: "demo key")
        let team = Store(database: try AppDatabase.temporary(), actor: Actor(user: "demo", role: .team, source: "wizard"),
                         clock: steppingClock()) { box }
        _ = try team.importDefinitions([(path: "demo.yaml", text: definitions)])

        let acme = try team.deploy(integration: "sync-invoices", customer: "acme")
        _ = try team.configure(instance: acme.id, changes: [
            FieldChange(variable: "crm", field: "apiKey", value: "k-123456"),
            FieldChange(variable: "crm", field: "tenant", value: "acme-prod"),
            FieldChange(variable: "store", field: "accessKeyId", value: "AKIAEXAMPLE"),
        ])
        let fetch = try team.executionContext(instance: acme.id, step: "fetch")
        try team.recordExecution(fetch, command: "./fetch-invoices", exitCode: 0, lastErrorLine: nil,
                                 startedAt: "2025-03-14T08:59:00.000Z", durationMs: 412)

        let globex = try team.deploy(integration: "sync-invoices", customer: "globex")
        _ = try team.configure(instance: globex.id, changes: [
            FieldChange(variable: "crm", field: "apiKey", value: "g-999"),
            FieldChange(variable: "crm", field: "tenant", value: "globex"),
            FieldChange(variable: "store", field: "accessKeyId", value: "AKIAGLOBEX"),
            FieldChange(variable: "store", field: "secretAccessKey", value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ])
        let s3 = ScriptedTransport([
            .init("GET", .exact("https://s3.amazonaws.com/"), respond: .text(403, denied, headers: ["Content-Type": "application/xml"])),
        ])
        _ = try await OAuthFlows(store: team, transport: s3).testConnection(instance: globex.id, variable: "store")
        try s3.assertAllUsed()

        // Customer names are ASCII identifiers; an instance name may be any text (wide characters here).
        _ = try team.deploy(integration: "crm-oauth", customer: "beijing", name: "beijing/北京商贸")
        _ = try team.deploy(integration: "crm-oauth", customer: "acme")
        return team.withActor(Actor(user: "demo", role: role, source: "wizard"))
    }

    /// The wizard's backend over `make(role:)`.
    package static func backend(role: Role = .team) async throws -> StoreWizardBackend {
        StoreWizardBackend(store: try await make(role: role), transport: ScriptedTransport([]))
    }

    static func steppingClock() -> StoreClock {
        let start = Date(timeIntervalSince1970: 1_741_942_800)  // 2025-03-14T09:00:00Z
        let ticks = Mutex(0)
        return StoreClock {
            start.addingTimeInterval(TimeInterval(ticks.withLock { tick in
                defer { tick += 1 }
                return tick
            }))
        }
    }
}
