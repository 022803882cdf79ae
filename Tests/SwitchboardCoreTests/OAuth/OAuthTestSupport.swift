import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

/// Shared fixtures for the OAuth unit tests.
enum OAuthFixtures {
    static func type(_ configure: (inout OAuthOptions) -> Void = { _ in }) -> ConnectionType {
        var options = OAuthOptions()
        configure(&options)
        return ConnectionType(key: "oauth", label: "OAuth", fields: [
            FieldDefinition(key: "authorizeUrl", label: "Authorize URL", type: .url, required: true),
            FieldDefinition(key: "tokenUrl", label: "Token URL", type: .url, required: true),
            FieldDefinition(key: "revokeUrl", label: "Revoke URL", type: .url),
            FieldDefinition(key: "scopes", label: "Scopes", type: .string),
            FieldDefinition(key: "clientId", label: "Client ID", type: .string, required: true),
            FieldDefinition(key: "clientSecret", label: "Client Secret", type: .password),
        ], oauth2: options)
    }

    static let values = [
        "authorizeUrl": "https://login.acme.test/oauth/authorize",
        "tokenUrl": "https://login.acme.test/oauth/token",
        "revokeUrl": "https://login.acme.test/oauth/revoke",
        "scopes": "read write",
        "clientId": "abc123",
        "clientSecret": "s3cr3t:with/odd+chars",
    ]

    static func client(_ configure: (inout OAuthOptions) -> Void = { _ in }, values: [String: String] = values) throws -> OAuthClient {
        try OAuthClient(type: type(configure), values: values)
    }

    static func scripted(_ expectations: [ScriptedTransport.Expectation]) -> ScriptedTransport {
        ScriptedTransport(expectations, onFailure: { Issue.record(Comment(rawValue: $0)) })
    }

    /// The query of a URL as ordered pairs.
    static func query(_ url: String) -> [(name: String, value: String)] {
        guard let mark = url.firstIndex(of: "?") else { return [] }
        return FormEncoding.decode(String(url[url.index(after: mark)...]))
    }

    static func form(_ request: HTTPRequest) -> [String: String] {
        FormEncoding.decodeFields(String(decoding: request.body ?? Data(), as: UTF8.self))
    }
}
