import Foundation
@testable import SwitchboardCore

/// YAML definitions the tests import. Distinctive strings (`SECRET-…`, `PLAIN-MARKER-…`)
/// make "is this value anywhere in the database file" checks unambiguous.
enum Fixtures {
    static let componentSecretDefault = "SECRET-COMPONENT-DEFAULT-c41e"
    static let integrationSecretDefault = "SECRET-DEFAULT-7f3a9"

    /// A custom component with one field of every type, and an integration that hides two
    /// fields (with defaults) and leaves two steps unbound (they share `api`).
    static let testAPI = """
        component: test-api
        label: Test API
        actions: [fetch, push, audit]
        connections:
          - key: basic
            label: Username and password
            fields:
              - {key: host, label: Host URL, type: url, required: true, default: "https://api.test.example"}
              - {key: username, label: Username, type: string, required: true}
              - {key: password, label: Password, type: password, required: true}
              - {key: region, label: Region, type: picklist, required: true, choices: [{label: Europe, value: eu}, {label: United States, value: us}], default: eu}
              - {key: code, label: Account code, type: string, pattern: '[A-Z]{3}[0-9]{2}'}
              - {key: verbose, label: Verbose, type: boolean, default: "false"}
              - {key: notes, label: Notes, type: text}
              - {key: endpoint, label: Endpoint, type: template, required: true, default: "{{host}}/{{region}}/{{username}}"}
              - {key: tenant, label: Tenant, type: string, required: true, default: component-tenant}
              - {key: apiSecret, label: API secret, type: password, required: true, default: "\(componentSecretDefault)"}
          - key: token
            label: API token
            fields:
              - {key: token, label: Token, type: password, required: true}
        ---

        """ + testSyncV1

    /// `testAPI`'s integration with one more step: a changed definition, i.e. version 2.
    static let testSyncV2 = testSyncV1 + """
          - {key: fetch-again, component: test-api, action: fetch, connection: api}

        """

    /// `testAPI`'s integration on its own.
    static let testSyncV1 = """
        integration: test-sync
        name: Test sync
        configVariables:
          - key: api
            component: test-api
            connection: basic
            fields:
              tenant: {default: integration-tenant, customerVisible: false}
              apiSecret: {default: "\(integrationSecretDefault)", customerVisible: false}
        steps:
          - {key: fetch, component: test-api, action: fetch, connection: api}
          - {key: push, component: test-api, action: push}
          - {key: audit, component: test-api, action: audit}

        """

    /// A component with eight optional fields, for concurrent writers each setting one.
    static let wide = """
        component: wide
        label: Wide
        actions: [go]
        connections:
          - key: many
            label: Many fields
            fields:
        \((1...8).map { "      - {key: f\($0), label: Field \($0), type: string}" }.joined(separator: "\n"))
        ---
        integration: wide-sync
        name: Wide sync
        configVariables:
          - {key: wide, component: wide, connection: many}
        steps:
          - {key: go, component: wide, action: go, connection: wide}

        """

    /// The example of SPEC §11, verbatim.
    static let specExample = """
        component: acme-crm                 # key, unique
        label: Acme CRM
        actions: [list-invoices, upload]    # what steps may call
        connections:
          - key: apiKey
            label: API Key
            fields:
              - {key: host, label: Host URL, type: url, required: true, default: "https://api.acme.test"}
              - {key: apiKey, label: API Key, type: password, required: true}
              - {key: region, label: Region, type: picklist, choices: [{label: EU, value: eu}, {label: US, value: us}], default: eu}
            test: {method: GET, url: "{{host}}/v1/me", headers: {Authorization: "Bearer {{apiKey}}"}, expectStatus: 200}
          - key: oauth
            label: OAuth 2.0
            oauth2:
              grant: authorization_code     # client_credentials | device_code
              pkce: S256                    # plain | none
              clientAuth: basic             # body
              scopeSeparator: " "
              authorizeParams: {access_type: offline}
              tokenParams: {}
              deviceAuthorizationUrl: null
              callbackMetadata: [realmId]
              tokenMetadata: [instance_url]
              labels: {clientId: "Consumer Key", clientSecret: "Consumer Secret"}
            fields:
              - {key: authorizeUrl, label: Authorize URL, type: url, required: true, default: "https://login.acme.test/oauth/authorize"}
              - {key: tokenUrl, label: Token URL, type: url, required: true, default: "https://login.acme.test/oauth/token"}
              - {key: revokeUrl, label: Revoke URL, type: url, required: false, default: "https://login.acme.test/oauth/revoke"}
              - {key: scopes, label: Scopes, type: string, default: "read write"}
              - {key: clientId, label: Client ID, type: string, required: true}
              - {key: clientSecret, label: Client Secret, type: password, required: true}
            test: {method: GET, url: "https://api.acme.test/me", headers: {Authorization: "Bearer {{access_token}}"}, expectStatus: 200}
        ---
        integration: sync-invoices          # key, unique; re-import with changes = new version
        name: Sync invoices
        configVariables:
          - key: crm                        # connection config variable
            component: acme-crm
            connection: oauth
            fields:                         # per-field overrides; unlisted fields are customer visible, no extra default
              clientId: {default: "abc123", customerVisible: false}
              clientSecret: {default: "s3cr3t", customerVisible: false}
              scopes: {customerVisible: true}
        steps:
          - {key: fetch, component: acme-crm, action: list-invoices, connection: crm}
          - {key: store, component: amazon-s3, action: put-object}   # unbound: a shared variable is created

        """

    /// 1-based line of the first line containing `marker`.
    static func line(of marker: String, in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.firstIndex { $0.contains(marker) }.map { $0 + 1 }
    }

    /// Parsed once: the bundled catalog does not change while tests run.
    /// (A broken catalog is reported by `CatalogTests.bundled`.)
    static let bundledComponents: [Component] = (try? BundledCatalog.components().map(\.value)) ?? []

    /// The import pipeline without a database: parse, validate components, resolve
    /// integrations against the batch's components and the bundled catalog.
    static func load(_ yaml: String, file: String) throws -> (components: [Component], integrations: [ResolvedIntegration]) {
        let batch = try DefinitionParser.parse(yaml: yaml, file: file)
        for component in batch.components { try DefinitionValidator.validate(component) }
        let bundled = bundledComponents
        let local = batch.components.map(\.value)
        let integrations = try batch.integrations.map { located in
            try DefinitionValidator.resolve(located) { key in
                local.first { $0.key == key } ?? bundled.first { $0.key == key }
            }
        }
        return (local, integrations)
    }
}
