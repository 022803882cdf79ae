import Testing
@testable import SwitchboardCore

@Suite("FieldValidator")
struct FieldValidatorTests {
    static let url = FieldDefinition(key: "host", label: "Host", type: .url, required: true)
    static let boolean = FieldDefinition(key: "verbose", label: "Verbose", type: .boolean)
    static let picklist = FieldDefinition(
        key: "region", label: "Region", type: .picklist,
        choices: [Choice(label: "Europe", value: "eu"), Choice(label: "United States", value: "us")])

    func normalized(_ raw: String, _ field: FieldDefinition) -> String? {
        if case .success(let value) = FieldValidator.normalize(raw, for: field) { return value }
        return nil
    }

    func failure(_ raw: String, _ field: FieldDefinition) -> FieldValidationError? {
        if case .failure(let error) = FieldValidator.normalize(raw, for: field) { return error }
        return nil
    }

    // MARK: url

    @Test("a URL with scheme and host is accepted and trimmed", arguments: [
        ("https://api.example.com", "https://api.example.com"),
        ("  http://127.0.0.1:8080/path?q=1 \n", "http://127.0.0.1:8080/path?q=1"),
        ("HTTPS://Example.com/x", "HTTPS://Example.com/x"),
    ])
    func goodURL(raw: String, expected: String) {
        #expect(normalized(raw, Self.url) == expected)
    }

    @Test("a URL with spaces or no scheme is rejected")
    func badURL() {
        for raw in ["not a url", "example.com/path", "https://exa mple.com"] {
            guard case .notAURL(let label, _) = failure(raw, Self.url) else {
                Issue.record("'\(raw)' should be rejected as not a URL")
                continue
            }
            #expect(label == "Host")
        }
    }

    @Test("a URL must use http or https")
    func urlScheme() {
        guard case .notAURL(_, let reason) = failure("ftp://files.example.com", Self.url) else {
            Issue.record("ftp:// must be rejected")
            return
        }
        #expect(reason.contains("ftp"))
        #expect(FieldValidator.urlProblem("javascript:alert(1)") != nil)
    }

    @Test("a URL must have a host")
    func urlHost() {
        #expect(FieldValidator.urlProblem("https://") == "it has no host name")
        #expect(FieldValidator.urlProblem("https:///path") == "it has no host name")
        #expect(FieldValidator.urlProblem("https://ok.example") == nil)
    }

    // MARK: boolean

    @Test("boolean words map to true and false", arguments: [
        ("true", "true"), ("YES", "true"), ("y", "true"), ("On", "true"), ("1", "true"),
        ("false", "false"), ("no", "false"), ("N", "false"), ("off", "false"), (" 0 ", "false"),
    ])
    func booleanWords(raw: String, expected: String) {
        #expect(normalized(raw, Self.boolean) == expected)
    }

    @Test("anything else is not a boolean")
    func notBoolean() {
        #expect(failure("maybe", Self.boolean) == .notABoolean(label: "Verbose"))
        #expect(failure("2", Self.boolean) == .notABoolean(label: "Verbose"))
    }

    // MARK: picklist

    @Test("a picklist accepts a choice's value or its label (any case) and stores the value")
    func picklistValueAndLabel() {
        #expect(normalized("us", Self.picklist) == "us")
        #expect(normalized("Europe", Self.picklist) == "eu")
        #expect(normalized("united states", Self.picklist) == "us")
    }

    @Test("a picklist rejects anything else and lists the values")
    func picklistRejects() {
        #expect(failure("mars", Self.picklist) == .notAChoice(label: "Region", choices: ["eu", "us"]))
    }

    // MARK: pattern

    @Test("a pattern must match the whole value")
    func patternFullMatch() {
        let code = FieldDefinition(key: "code", label: "Code", type: .string, pattern: "[A-Z]{3}[0-9]{2}")
        #expect(normalized("ABC12", code) == "ABC12")
        #expect(failure("ABC123", code) == .patternMismatch(label: "Code", pattern: "[A-Z]{3}[0-9]{2}"))
        #expect(failure("xABC12", code) != nil)
        #expect(failure("abc12", code) != nil)
    }

    @Test("an alternation in a pattern is anchored as a whole")
    func patternAlternation() {
        let field = FieldDefinition(key: "k", label: "K", type: .string, pattern: "ab|cd")
        #expect(normalized("ab", field) == "ab")
        #expect(normalized("cd", field) == "cd")
        #expect(failure("abcd", field) != nil)
        #expect(failure("abx", field) != nil)
    }

    @Test("a pattern error never repeats the value")
    func patternErrorHidesValue() {
        let secret = FieldDefinition(key: "pin", label: "PIN", type: .password, pattern: "[0-9]{4}")
        let error = failure("hunter2-secret", secret)
        #expect(error != nil)
        #expect(!(error?.description.contains("hunter2-secret") ?? true))
    }

    // MARK: required

    @Test("a required field cannot be empty; an optional one can")
    func requiredAndMissing() {
        let required = FieldDefinition(key: "user", label: "User", type: .string, required: true)
        let optional = FieldDefinition(key: "note", label: "Note", type: .string)
        #expect(failure("", required) == .missing(label: "User"))
        #expect(failure("   ", Self.url) == .missing(label: "Host"), "a blank URL is trimmed to nothing")
        #expect(normalized("", optional) == "")
        #expect(FieldValidator.validate("", for: required, label: "api.user (User)")?.description == "api.user (User) is required")
    }

    // MARK: line breaks and templates

    @Test("string and password values are single-line; text may span lines")
    func singleLine() {
        let string = FieldDefinition(key: "s", label: "S", type: .string)
        let password = FieldDefinition(key: "p", label: "P", type: .password)
        let text = FieldDefinition(key: "t", label: "T", type: .text)
        #expect(failure("a\nb", string) == .singleLineOnly(label: "S"))
        #expect(failure("a\r\nb", password) == .singleLineOnly(label: "P"))
        #expect(normalized("a\nb", text) == "a\nb")
    }

    @Test("a template field can never be set")
    func templateNotSettable() {
        let template = FieldDefinition(key: "tokenUrl", label: "Token URL", type: .template, defaultValue: "{{host}}/token")
        #expect(failure("https://x.example/token", template) == .derived(label: "Token URL"))
        #expect(failure("", template) == .derived(label: "Token URL"))
    }
}
