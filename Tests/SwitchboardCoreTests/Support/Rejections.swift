import Foundation
import Testing

/// One definition file every import must reject, with what its error has to name.
struct Rejection: Sendable, CustomTestStringConvertible {
    var file: String
    var yaml: String
    /// The expected line is the first line containing this text (the offending part's own
    /// line, not the document's first); nil when the parser
    /// decides the line (malformed YAML), then only "file:<number>:" is required.
    var lineMarker: String?
    /// Every fragment must appear in the message: the offending key and what is wrong.
    var fragments: [String]

    var testDescription: String { file }

    var expectedLine: Int? { lineMarker.flatMap { Fixtures.line(of: $0, in: yaml) } }

    /// Checks a one-line error message against file, line and fragments.
    func check(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = (file as NSString).lastPathComponent
        if let line = expectedLine {
            #expect(message.contains("\(path):\(line):"), "expected \(path):\(line): in: \(message)", sourceLocation: sourceLocation)
        } else {
            #expect(message.range(of: "\(path):[0-9]+:", options: .regularExpression) != nil, "expected \(path):LINE: in: \(message)", sourceLocation: sourceLocation)
        }
        for fragment in fragments {
            #expect(message.contains(fragment), "expected '\(fragment)' in: \(message)", sourceLocation: sourceLocation)
        }
        #expect(!message.contains("\n"), "the message must be one line: \(message)", sourceLocation: sourceLocation)
    }
}

enum Rejections {
    /// Two components the integration cases refer to.
    static let components = """
        component: rej-api
        label: Rejection API
        actions: [get, put]
        connections:
          - key: basic
            label: Basic
            fields:
              - {key: url, label: URL, type: url, required: true, default: "https://rej.example"}
              - {key: user, label: User, type: string, required: true}
              - {key: pass, label: Password, type: password, required: true}
        ---
        component: rej-other
        label: Other
        actions: [send]
        connections:
          - key: key
            label: Key
            fields:
              - {key: apiKey, label: API key, type: password, required: true}
        ---

        """

    static func integration(_ key: String, variables: String, steps: String) -> String {
        components + """
            integration: \(key)
            name: \(key)
            configVariables:
            \(variables)
            steps:
            \(steps)

            """
    }

    static func withTest(_ test: String) -> String {
        """
        component: rej-test
        label: Test
        connections:
          - key: basic
            label: Basic
            fields:
              - {key: url, label: URL, type: url, required: true, default: "https://rej.example"}
            test: \(test)

        """
    }

    static let all: [Rejection] = [
        Rejection(file: "expect-json-empty-path.yaml", yaml: withTest(#"{url: "{{url}}/me", expectJson: {"team..id": T1}}"#),
                  lineMarker: "expectJson", fragments: ["team..id", "dotted path"]),
        Rejection(file: "expect-json-not-scalar.yaml", yaml: withTest(#"{url: "{{url}}/me", expectJson: {ok: [true]}}"#),
                  lineMarker: "expectJson", fragments: ["'ok'", "single value"]),
        Rejection(file: "expect-json-empty.yaml", yaml: withTest(#"{url: "{{url}}/me", expectJson: {}}"#),
                  lineMarker: "expectJson", fragments: ["expectJson", "at least one"]),
        Rejection(file: "test-content-type.yaml", yaml: withTest(#"{url: "{{url}}/me", method: POST, contentType: ""}"#),
                  lineMarker: "contentType", fragments: ["contentType", "media type"]),
        Rejection(
            file: "hidden-no-default.yaml",
            yaml: integration(
                "hidden-no-default",
                variables: """
                      - key: web
                        component: rej-api
                        connection: basic
                        fields:
                          user: {customerVisible: false}
                    """,
                steps: "  - {key: get, component: rej-api, action: get, connection: web}"),
            lineMarker: "user: {customerVisible: false}",
            fragments: ["hidden-no-default", "variable web", "field user", "not customer visible must have a default"]),
        Rejection(
            file: "unknown-component.yaml",
            yaml: integration(
                "unknown-component",
                variables: "  - {key: web, component: no-such-component}",
                steps: "  - {key: get, component: rej-api, action: get}"),
            lineMarker: "{key: web, component: no-such-component}",
            fragments: ["variable web", "unknown component 'no-such-component'"]),
        Rejection(
            file: "unknown-step-component.yaml",
            yaml: integration(
                "unknown-step-component",
                variables: "  []",
                steps: "  - {key: get, component: ghost-service, action: get}"),
            lineMarker: "{key: get, component: ghost-service",
            fragments: ["step get", "unknown component 'ghost-service'"]),
        Rejection(
            file: "unknown-connection-type.yaml",
            yaml: integration(
                "unknown-connection-type",
                variables: "  - {key: web, component: rej-api, connection: carrier-pigeon}",
                steps: "  - {key: get, component: rej-api, action: get, connection: web}"),
            lineMarker: "connection: carrier-pigeon}",
            fragments: ["variable web", "no connection type 'carrier-pigeon'"]),
        Rejection(
            file: "step-other-component.yaml",
            yaml: integration(
                "step-other-component",
                variables: "  - {key: web, component: rej-api, connection: basic, fields: {user: {default: u}}}",
                steps: "  - {key: send, component: rej-other, action: send, connection: web}"),
            lineMarker: "{key: send,",
            fragments: ["step send", "'web'", "rej-api", "rej-other"]),
        Rejection(
            file: "unknown-action.yaml",
            yaml: integration(
                "unknown-action",
                variables: "  []",
                steps: "  - {key: get, component: rej-api, action: teleport}"),
            lineMarker: "action: teleport}",
            fragments: ["step get", "no action 'teleport'"]),
        Rejection(
            file: "duplicate-variable.yaml",
            yaml: integration(
                "duplicate-variable",
                variables: """
                      - {key: web, component: rej-api}
                      - {key: web, component: rej-other}
                    """,
                steps: "  []"),
            lineMarker: "integration: duplicate-variable",
            fragments: ["duplicate config variable 'web'"]),
        Rejection(
            file: "bad-url-override.yaml",
            yaml: integration(
                "bad-url-override",
                variables: "  - {key: web, component: rej-api, fields: {url: {default: \"ftp://files.example\"}}}",
                steps: "  []"),
            lineMarker: "fields: {url: {default",
            fragments: ["variable web", "field url", "must be a URL"]),
        Rejection(
            file: "duplicate-yaml-key.yaml",
            yaml: """
                component: dup-yaml
                label: First label
                label: Second label
                connections: []

                """,
            lineMarker: "label: First label",
            fragments: ["duplicate key 'label'"]),
        Rejection(
            file: "duplicate-field.yaml",
            yaml: """
                component: dup-field
                connections:
                  - key: basic
                    fields:
                      - {key: token, type: string}
                      - {key: token, type: password}

                """,
            lineMarker: "- key: basic",
            fragments: ["component dup-field", "connection basic", "duplicate field key 'token'"]),
        Rejection(
            file: "unknown-field-type.yaml",
            yaml: """
                component: odd-type
                connections:
                  - key: basic
                    fields:
                      - {key: colour, type: rainbow}

                """,
            lineMarker: "type: rainbow",
            fragments: ["field colour", "unknown field type 'rainbow'"]),
        Rejection(
            file: "template-unknown-field.yaml",
            yaml: """
                component: bad-template
                connections:
                  - key: basic
                    fields:
                      - {key: host, type: url, default: "https://a.example"}
                      - {key: tokenUrl, type: template, default: "{{host}}/{{tenantId}}/token"}

                """,
            lineMarker: "{key: tokenUrl,",
            fragments: ["field tokenUrl", "unknown field 'tenantId'"]),
        Rejection(
            file: "bad-url-default.yaml",
            yaml: """
                component: bad-url
                connections:
                  - key: basic
                    fields:
                      - {key: host, type: url, default: "not a url"}

                """,
            lineMarker: "{key: host, type: url, default: \"not a url\"}",
            fragments: ["field host", "must be a URL"]),
        Rejection(
            file: "fields-not-a-list.yaml",
            yaml: """
                component: wrong-fields
                connections:
                  - key: basic
                    fields: 3

                """,
            lineMarker: "fields: 3",
            fragments: ["'fields' must be a list"]),
        Rejection(
            file: "required-maybe.yaml",
            yaml: """
                component: wrong-required
                connections:
                  - key: basic
                    fields:
                      - key: user
                        required: maybe

                """,
            lineMarker: "required: maybe",
            fragments: ["field user", "'required' must be true or false"]),
        Rejection(
            file: "malformed.yaml",
            yaml: """
                component: broken
                connections: [
                  {key: basic

                """,
            lineMarker: nil,
            fragments: ["malformed YAML"]),
        Rejection(
            file: "malformed-second-document.yaml",
            yaml: """
                component: fine-first
                connections: []
                ---
                integration: broken-second
                steps: [

                """,
            lineMarker: nil,
            fragments: ["malformed YAML"]),
        Rejection(
            file: "unknown-top-level-key.yaml",
            yaml: """
                component: typo
                label: Typo
                conections: []

                """,
            lineMarker: "conections: []",
            fragments: ["unknown key 'conections'"]),
        Rejection(
            file: "neither-component-nor-integration.yaml",
            yaml: """
                name: what is this
                steps: []

                """,
            lineMarker: "name: what is this",
            fragments: ["'component:' or 'integration:'"]),
    ]
}
