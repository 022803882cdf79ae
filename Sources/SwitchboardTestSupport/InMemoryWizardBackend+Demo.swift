import Foundation
import SwitchboardCore
import SwitchboardTUI

extension InMemoryWizardBackend {
    /// `ResolvedVariable` has no public memberwise initializer; it is Codable, so fixtures
    /// build one through its coding keys.
    package static func variable(key: String, component: String, componentLabel: String, connectionType: ConnectionType,
                                overrides: [String: FieldOverride] = [:]) -> ResolvedVariable {
        struct Shape: Encodable {
            var key, component, componentLabel: String
            var connectionType: ConnectionType
            var overrides: [String: FieldOverride]
        }
        let shape = Shape(key: key, component: component, componentLabel: componentLabel, connectionType: connectionType, overrides: overrides)
        do {
            return try JSONDecoder().decode(ResolvedVariable.self, from: JSONEncoder().encode(shape))
        } catch {
            preconditionFailure("ResolvedVariable's coding keys changed: \(error)")
        }
    }

    /// A small, deterministic world for tests, golden frames and trying the wizard by hand.
    package static func demo(role: Role = .team) -> InMemoryWizardBackend {
        // Seeded as the team (instances of several customers), then narrowed to `role`.
        let backend = InMemoryWizardBackend(role: .team, integrations: [DemoCatalog.syncInvoices, DemoCatalog.crmOAuth])
        do {
            let acme = try backend.deploy(integration: "sync-invoices", customer: "acme").id
            try backend.seed(instance: acme, variable: "crm", values: ["apiKey": "k-123456", "tenant": "acme-prod"], outcome: .ok)
            try backend.appendLog(instance: acme, variable: "crm", level: .info, source: "config", message: "set apiKey")
            try backend.appendLog(instance: acme, variable: "crm", level: .info, source: "config", message: "set tenant")
            try backend.appendLog(instance: acme, variable: "crm", level: .warning, source: "run", message: "slow response from api.acme.test (4.2 s)")
            try backend.appendLog(instance: acme, variable: "crm", level: .info, source: "run", message: "step fetch succeeded")
            try backend.seed(instance: acme, variable: "store", values: ["accessKeyId": "AKIAEXAMPLE"])
            let globex = try backend.deploy(integration: "sync-invoices", customer: "globex").id
            try backend.seed(instance: globex, variable: "crm", values: ["apiKey": "g-999", "tenant": "globex"])
            try backend.seed(instance: globex, variable: "store", values: ["accessKeyId": "AKIAGLOBEX", "secretAccessKey": "s"],
                             outcome: .error, reason: "AccessDenied: 403 from s3.amazonaws.com")
            try backend.appendLog(instance: globex, variable: "store", level: .error, source: "run",
                                  message: "step store failed: AccessDenied: 403 from s3.amazonaws.com")
            try backend.deploy(integration: "crm-oauth", customer: "北京商贸")
            try backend.deploy(integration: "crm-oauth", customer: "acme")
        } catch {
            preconditionFailure("demo fixture is inconsistent: \(error)")
        }
        backend.role = role
        return backend
    }
}

/// Definitions behind `InMemoryWizardBackend.demo()`: every field type appears once.
package enum DemoCatalog {
    package static let crmKey = ConnectionType(
        key: "apiKey", label: "API key",
        fields: [
            FieldDefinition(key: "host", label: "Host URL", type: .url, required: true, defaultValue: "https://api.acme.test",
                            comments: "The API root of your Acme CRM account."),
            FieldDefinition(key: "apiKey", label: "API Key", type: .password, required: true,
                            comments: "Find it in Acme CRM under Settings → API."),
            FieldDefinition(key: "tenant", label: "Tenant", type: .string, required: true, comments: "Lower-case letters, digits and dashes.",
                            example: "acme-prod", pattern: "[a-z0-9-]+"),
            FieldDefinition(key: "region", label: "Region", type: .picklist, defaultValue: "eu",
                            choices: [Choice(label: "EU", value: "eu"), Choice(label: "US", value: "us"), Choice(label: "Asia", value: "ap")]),
            FieldDefinition(key: "verbose", label: "Verbose logging", type: .boolean, defaultValue: "false"),
            FieldDefinition(key: "notes", label: "Notes", type: .text, placeholder: "Anything the next person should know"),
            FieldDefinition(key: "endpoint", label: "Endpoint", type: .template, defaultValue: "{{host}}/v1/{{tenant}}"),
        ],
        test: TestRequest(url: "{{host}}/v1/me", headers: ["Authorization": "Bearer {{apiKey}}"]))

    package static let s3 = ConnectionType(
        key: "accessKey", label: "Access key",
        fields: [
            FieldDefinition(key: "accessKeyId", label: "Access key ID", type: .string, required: true, example: "AKIAIOSFODNN7EXAMPLE"),
            FieldDefinition(key: "secretAccessKey", label: "Secret access key", type: .password, required: true),
            FieldDefinition(key: "region", label: "Region", type: .picklist, defaultValue: "us-east-1",
                            choices: [Choice(label: "us-east-1", value: "us-east-1"), Choice(label: "eu-west-1", value: "eu-west-1")]),
        ],
        test: TestRequest(url: "https://s3.amazonaws.com/"))

    package static var crmOAuthType: ConnectionType {
        var options = OAuthOptions()
        options.labels = ["clientId": "Consumer Key"]
        return ConnectionType(
            key: "oauth", label: "OAuth 2.0",
            fields: [
                FieldDefinition(key: "authorizeUrl", label: "Authorize URL", type: .url, required: true,
                                defaultValue: "https://login.acme.test/oauth/authorize"),
                FieldDefinition(key: "tokenUrl", label: "Token URL", type: .url, required: true, defaultValue: "https://login.acme.test/oauth/token"),
                FieldDefinition(key: "scopes", label: "Scopes", type: .string, defaultValue: "read write"),
                FieldDefinition(key: "clientId", label: "Client ID", type: .string, required: true),
                FieldDefinition(key: "clientSecret", label: "Client Secret", type: .password, required: true),
            ],
            oauth2: options)
    }

    package static let syncInvoices = InMemoryWizardBackend.IntegrationVersion(
        key: "sync-invoices", name: "Sync invoices", version: 2,
        variables: [
            InMemoryWizardBackend.variable(key: "crm", component: "acme-crm", componentLabel: "Acme CRM", connectionType: crmKey,
                                           overrides: ["host": FieldOverride(customerVisible: false)]),
            InMemoryWizardBackend.variable(key: "store", component: "amazon-s3", componentLabel: "Amazon S3", connectionType: s3),
        ])

    package static let crmOAuth = InMemoryWizardBackend.IntegrationVersion(
        key: "crm-oauth", name: "CRM over OAuth", version: 1,
        variables: [
            InMemoryWizardBackend.variable(
                key: "crm", component: "acme-crm", componentLabel: "Acme CRM", connectionType: crmOAuthType,
                overrides: ["clientId": FieldOverride(defaultValue: "abc123", customerVisible: false),
                            "clientSecret": FieldOverride(defaultValue: "s3cr3t", customerVisible: false)]),
        ])
}
