import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Trust: value classes, typed messages, terminal text, YAML bounds")
struct TrustUnitTests {
    static let derivedYAML = """
        component: derived
        label: Derived
        actions: [go]
        connections:
          - key: basic
            label: Basic
            fields:
              - {key: host, label: Host, type: url, required: true, default: "https://h.example"}
              - {key: key, label: Key, type: password, required: true}
              - {key: tenant, label: Tenant, type: string, default: "HIDDEN-TENANT-5e"}
              - {key: note, label: Note, type: string}
              - {key: auth, label: Auth header, type: template, default: "Bearer {{key}}"}
              - {key: tenantUrl, label: Tenant URL, type: template, default: "{{host}}/{{tenant}}"}
              - {key: noteUrl, label: Note URL, type: template, default: "{{host}}/{{note}}"}
            test: {method: GET, url: "http://127.0.0.1:9/{{tenant}}/{{note}}", headers: {X-Key: "{{key}}"}, expectStatus: 200}
        ---
        integration: derived-sync
        configVariables:
          - key: d
            component: derived
            connection: basic
            fields:
              tenant: {customerVisible: false}
        steps:
          - {key: go, component: derived, action: go, connection: d}

        """

    @Test("a template takes the strictest class of the fields it reads; over a hidden field it is hidden from customers")
    func templatesInheritClasses() throws {
        let t = try TestStore()
        try t.importYAML(("derived.yaml", Self.derivedYAML))
        let instance = try t.store.deploy(integration: "derived-sync", customer: "acme")
        try t.set(instance.name, ["d.key": "DERIVED-SECRET-77", "d.note": "n1"])
        let fields = try t.store.connectionDetail(instance: instance.id, variable: "d").fields
        let byKey = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0) })
        #expect(byKey["auth"]?.valueClass == .secret)
        #expect(byKey["auth"]?.isSecret == true)
        #expect(byKey["tenantUrl"]?.valueClass == .hidden)
        #expect(byKey["tenantUrl"]?.customerVisible == false)
        #expect(byKey["noteUrl"]?.valueClass == .public)
        let customer = try t.acting(as: .customer("acme")).connectionDetail(instance: instance.id, variable: "d").fields.map(\.key)
        // Over a secret: never to customers, not even masked; over public fields: shown.
        #expect(!customer.contains("tenant") && !customer.contains("tenantUrl") && !customer.contains("auth"))
        #expect(customer.contains("noteUrl") && customer.contains("key"))
    }

    @Test("a message masks each part for its class before the whole is cut, so no part of a value survives a cut")
    func messageMasksBeforeCutting() {
        let secret = String(repeating: "S", count: 40)
        let message = Message([.text(String(repeating: "a", count: 30)), .value(secret, .secret), .text("tail")])
        let team = message.rendered(for: .team, limit: 50)
        #expect(!team.contains("SSS"))
        #expect(team.hasPrefix(String(repeating: "a", count: 30) + Message.mask))
        let hidden = Message([.text("tenant is "), .value("HIDDEN-9", .hidden)])
        #expect(hidden.rendered(for: .team) == "tenant is HIDDEN-9")
        #expect(hidden.rendered(for: .customer(HiddenFieldRedactor(hidden: []))) == "tenant is " + Message.mask)
    }

    @Test("the cut counts characters, not bytes: a line of wide characters at the limit stays whole, one past it is cut")
    func messageLimitCountsCharacters() {
        let wide = String(repeating: "\u{E9}", count: 4) + "\u{1F511}"
        #expect(Message([.text(wide)]).rendered(for: .team, limit: 5) == wide)
        #expect(Message([.text(wide + "e\u{301}")]).rendered(for: .team, limit: 5) == String(repeating: "\u{E9}", count: 4) + "\u{2026}")
        #expect(Message([.text("abcdef")]).rendered(for: .team, limit: 6) == "abcdef")
        #expect(Message([.text("abcdefg")]).rendered(for: .team, limit: 6) == "abcde\u{2026}")
    }

    @Test("naming a field a customer does not see turns the customer's whole line into the standard replacement")
    func hiddenFieldNamesNeverReachCustomers() {
        let message = Message([.field(key: "clientSecret", label: "Client Secret", customerVisible: false), .text(" changed (secret)")])
        #expect(message.rendered(for: .team) == "Client Secret (clientSecret) changed (secret)")
        #expect(message.rendered(for: .customer(HiddenFieldRedactor(hidden: []))) == HiddenFieldRedactor.replacement)
        let decoded = Message.decode(json: message.json)
        #expect(decoded == message)
    }

    @Test("every C0, DEL, C1 and bidi control is written visibly; ordinary text is left as it is")
    func terminalTextEscapes() {
        let controls = (0x00...0x1F).map { Unicode.Scalar($0)! } + (0x7F...0x9F).map { Unicode.Scalar($0)! }
            + [0x200E, 0x200F, 0x061C, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069].map { Unicode.Scalar($0)! }
        for scalar in controls {
            let escaped = TerminalText.escaped("a\(Character(scalar))b")
            #expect(!escaped.unicodeScalars.contains { TerminalText.isControl($0) }, "U+\(String(scalar.value, radix: 16))")
            #expect(escaped.hasPrefix("a\\") && escaped.hasSuffix("b"))
        }
        #expect(TerminalText.escaped("\u{1B}]0;owned\u{07}") == "\\e]0;owned\\u{7}")
        #expect(TerminalText.escaped("名前 – 🔑 C:\\path") == "名前 – 🔑 C:\\path")
        #expect(TerminalText.escaped("one\ntwo", keepNewlines: true) == "one\ntwo")
        // Printable ASCII is answered from its bytes; a control anywhere after it still counts.
        let printable = String((0x20...0x7E).map { Character(Unicode.Scalar($0)!) })
        #expect(!TerminalText.containsControl(printable))
        for scalar in controls { #expect(TerminalText.containsControl(printable + String(Character(scalar)))) }
    }

    @Test("hostile YAML is refused by its limits at once, naming the limit and the line", arguments: [
        ("a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n", "expand to more than"),
        ("a: &a {x: 1}\n? *a\n: 2\n", "alias (*name) cannot be a mapping key"),
        ("? [1, 2]\n: x\n", "mapping keys must be plain strings"),
        (String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "\n", "nested deeper than 32"),
        (String(repeating: "---\ncomponent: c\n", count: 101), "more than 100 documents"),
        ("", "holds no definitions"),
        ("# only a comment\n", "holds no definitions"),
        ("component: \"a\\e[2Jb\"\n", "'component' contains a control character"),
        ("component: ok\nlabel: \"x\\e]0;t\\a\"\n", "'label' contains a control character"),
        ("component: \"has space\"\n", "must use only letters, digits"),
    ])
    func hostileYAMLIsBounded(yaml: String, expected: String) {
        let clock = ContinuousClock()
        let start = clock.now
        #expect {
            _ = try DefinitionParser.parse(yaml: yaml, file: "hostile.yaml")
        } throws: { error in
            "\(error)".contains(expected)
        }
        // Not a timing assertion on the product: a bound that failed would run for minutes.
        #expect(clock.now - start < .seconds(30))
    }

    @Test("a 545-byte alias bomb using aliases as mapping keys is refused at its first alias key")
    func aliasKeyBomb() {
        var yaml = "a0: &a0 {k: v}\n"
        for level in 1...12 { yaml += "a\(level): &a\(level) {? *a\(level - 1) : 1, ? [*a\(level - 1)] : 2}\n" }
        #expect {
            _ = try DefinitionParser.parse(yaml: yaml, file: "bomb.yaml")
        } throws: { error in
            "\(error)".contains("bomb.yaml:2") && "\(error)".contains("mapping key")
        }
    }

    @Test("a secret from standard input loses exactly one line ending; bytes, not Characters (\\r\\n is one Character)")
    func secretInputLineEndings() throws {
        #expect(try SecretInput.value(from: Data("ab\r\n".utf8), option: "x") == "ab")
        #expect(try SecretInput.value(from: Data("ab\n".utf8), option: "x") == "ab")
        #expect(try SecretInput.value(from: Data("ab\r".utf8), option: "x") == "ab")
        #expect(try SecretInput.value(from: Data("ab\n\n".utf8), option: "x") == "ab\n")
        for empty in ["", "\n", "\r\n", "\r"] {
            #expect(throws: SwitchboardError.self) { try SecretInput.value(from: Data(empty.utf8), option: "x") }
        }
        #expect(throws: SwitchboardError.self) { try SecretInput.value(from: Data(count: SecretInput.maxBytes + 3), option: "x") }
    }

    @Test("the role table refuses customers exactly run, callback-server, import and reveal")
    func rolePolicy() {
        let customer = Actor(user: "u", role: .customer("acme"), source: "test")
        let team = Actor(user: "u", role: .team, source: "test")
        for operation in Operation.allCases {
            #expect(throws: Never.self) { try team.authorize(operation) }
        }
        let refused = Operation.allCases.filter { (try? customer.authorize($0)) == nil }
        #expect(Set(refused) == [.run, .callbackServer, .importDefinitions, .reveal])
        #expect(team.draftOwner != customer.draftOwner)
    }
}

@Suite("Trust: rate-limited rejections")
struct RateLimitTests {
    @Test("a burst of forged callbacks is admitted once per interval, and the next admitted line counts the held ones")
    func burstIsHeldBack() {
        let limit = RateLimit(interval: 10)
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(limit.admit(now: start) == 0)
        for offset in 1...999 { #expect(limit.admit(now: start.addingTimeInterval(Double(offset) / 1000)) == nil) }
        #expect(limit.admit(now: start.addingTimeInterval(10.5)) == 999)
        #expect(limit.admit(now: start.addingTimeInterval(11)) == nil)
    }
}

@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    @Test("an expires_in past Int's range or infinite is no crash (found by fuzzing the token-response parser)", arguments: [
        "access_token=gho&expires_in=6912E700", "access_token=gho&expires_in=1e300", "access_token=gho&expires_in=nan",
        "access_token=gho&expires_in=-1e400", "access_token=gho&expires_in=9223372036854775807",
    ])
    func hugeExpiresIn(body: String) throws {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(body.utf8))
        let token = try OAuthResponseParser.token(response)
        #expect(token.accessToken == "gho")
        #expect((token.expiresIn ?? 0) <= 315_360_000)
        // What the store writes (Store+Tokens): must not trap either.
        #expect(!Timestamp.string(from: token.expiresAt(after: Date()) ?? Date()).isEmpty)
    }

    @Test("a JSON expires_in of 1e700 is no crash either")
    func hugeJSONExpiresIn() {
        let response = HTTPResponse(status: 200, headers: ["Content-Type": "application/json"],
                                    body: Data(#"{"access_token": "t", "expires_in": 1e300}"#.utf8))
        #expect((try? OAuthResponseParser.token(response))?.expiresIn ?? 0 <= 315_360_000)
    }

    @Test("a timestamp of an infinite or far-future date is written, not a trap")
    func timestampBounds() {
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: .infinity)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.string(from: Date(timeIntervalSince1970: 1e30)).hasPrefix("9999-12-31T23:59:59"))
    }
}

@Suite("Definition errors name the offending part's own line")
struct DefinitionErrorLineTests {
    @Test("a cross-reference error points at the field, test, variable or step it is about", arguments: [
        ("component: c\nactions: [go]\nconnections:\n  - key: basic\n    fields:\n      - {key: a, type: string}\n      - {key: t, type: template, default: \"{{nope}}\"}\n", 7),
        ("component: c\nactions: [go]\nconnections:\n  - key: basic\n    fields:\n      - {key: a, type: string}\n    test:\n      url: \"https://x.example/{{missing}}\"\n", 8),
        ("component: c\nactions: [go]\nconnections:\n  - key: basic\n    fields:\n      - {key: a, type: string}\n---\nintegration: i\nconfigVariables:\n  - key: v\n    component: c\n    fields:\n      a: {customerVisible: false}\nsteps:\n  - {key: s, component: c, action: go}\n", 13),
        ("component: c\nactions: [go]\nconnections:\n  - key: basic\n    fields:\n      - {key: a, type: string}\n---\nintegration: i\nsteps:\n  - {key: s, component: c, action: go}\n  - {key: s2, component: c, action: fly}\n", 11),
    ])
    func errorLine(yaml: String, line: Int) throws {
        let batch = try DefinitionParser.parse(yaml: yaml, file: "d.yaml")
        #expect {
            for component in batch.components { try DefinitionValidator.validate(component) }
            for integration in batch.integrations {
                _ = try DefinitionValidator.resolve(integration) { key in batch.components.first { $0.value.key == key }?.value }
            }
        } throws: { error in
            "\(error)".hasPrefix("d.yaml:\(line):")
        }
    }
}

@Suite("Cut edges")
struct CutEdgeTests {
    @Test("a hidden value or secret cut short at a length limit is masked, whatever the padding before it")
    func cutPrefixesAreMasked() {
        let hidden = HiddenFieldRedactor(hidden: [FieldState(
            definition: FieldDefinition(key: "apiVersion", label: "API version", type: .string), label: "API version",
            customerVisible: false, valueClass: .hidden, defaultValue: "internal-build-7Q2Z", storedValue: nil,
            effectiveValue: "internal-build-7Q2Z", error: nil)])
        for keep in 4...18 {
            let cut = "reading v=" + String("internal-build-7Q2Z".prefix(keep)) + "…"
            let shown = hidden.redact(cut)
            #expect(!shown.contains("internal-b") && !shown.contains("inte…"), "\(shown)")
        }
        #expect(hidden.redact("the API vers…") == HiddenFieldRedactor.replacement)
        #expect(hidden.redact("no cut here: internal") == "no cut here: internal")
        let secrets = Redactor(secrets: ["SECRET-abcdef-123"])
        #expect(!secrets.redact("token SECRET-abc…").contains("SECRET-abc"))
    }
}

@Suite("No redaction oracle")
struct RedactionOracleTests {
    @Test("a callback's error reaches a customer as a known code only, never its description through the redactors")
    func callbackErrorForCustomers() {
        let probe = CallbackResult(state: "s", error: "access_denied", errorDescription: "probe clientSecret s3cr3t")
        #expect(probe.providerErrorCode == "access_denied")
        #expect(CallbackResult(state: "s", error: "s3cr3t guess").providerErrorCode == "an unrecognised error")
        let hidden = HiddenFieldRedactor(hidden: [FieldState(
            definition: FieldDefinition(key: "clientSecret", label: "Client Secret", type: .password), label: "Client Secret",
            customerVisible: false, valueClass: .secret, defaultValue: "s3cr3t", storedValue: nil, effectiveValue: "s3cr3t", error: nil)])
        let line = Message([.text("CONNECT refused by the provider: "),
                            .perAudience(team: probe.providerError ?? "", customer: probe.providerErrorCode ?? "")])
        #expect(line.rendered(for: .customer(hidden)) == "CONNECT refused by the provider: access_denied")
    }
}

@Suite("Review follow-ups")
struct ReviewFollowUpTests {
    @Test("a hidden value is masked in its form- and percent-encoded spellings too")
    func encodedHiddenValues() {
        let hidden = HiddenFieldRedactor(hidden: [FieldState(
            definition: FieldDefinition(key: "scopes", label: "Scopes", type: .string), label: "Scopes", customerVisible: false,
            valueClass: .hidden, defaultValue: "api id/refresh", storedValue: nil, effectiveValue: "api id/refresh", error: nil)])
        #expect(!hidden.redact("scope=api+id%2Frefresh was refused").contains("api+id"))
        #expect(!hidden.redact("scope=api%20id/refresh was refused").contains("api%20id"))
    }

    @Test("callback metadata with control characters or over 512 bytes is not kept")
    func callbackMetadataBounded() {
        let state = AuthorizationState.generate()
        for realm in ["a%1B%5D0%3Bpwn%07", String(repeating: "r", count: 600)] {
            let request = CallbackRequest(method: "GET", path: "/callback", query: "code=c&state=\(state.value)&realmId=\(realm)")
            guard case .authorized(let result) = CallbackValidator.evaluate(request, expectedState: state, keepMetadata: ["realmId"]) else {
                Issue.record("not authorized"); continue
            }
            #expect(result.metadata["realmId"] == nil)
        }
    }

    @Test("a step without a connection still has its stderr masked for every secret of the instance")
    func unboundStepRedactsInstanceSecrets() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        try t.store.configure(instance: instance.id, changes: [FieldChange(variable: "api", field: "password", value: "UNBOUND-SECRET-31")])
        let context = try t.store.executionContext(instance: instance.id, step: "fetch")
        #expect(!context.redactor.redact("saw UNBOUND-SECRET-31").contains("UNBOUND-SECRET"))
    }
}
