import Testing
@testable import SwitchboardCore

@Suite("Redactor")
struct RedactorTests {
    @Test("a secret that contains another is removed whole (longest first)")
    func longestFirst() {
        let redactor = Redactor(secrets: ["abc", "abcdef-long"])
        #expect(redactor.redact("token abcdef-long and abc") == "token [redacted] and [redacted]")
    }

    @Test("every occurrence of every secret is removed")
    func multipleSecrets() {
        let redactor = Redactor(secrets: ["s3cr3t", "tok-123"])
        let out = redactor.redact("s3cr3t:tok-123 then s3cr3t again")
        #expect(out == "[redacted]:[redacted] then [redacted] again")
    }

    @Test("without secrets, or when none occurs, the message is unchanged; empty secrets are ignored")
    func noOp() {
        #expect(Redactor(secrets: []).redact("plain message") == "plain message")
        #expect(Redactor(secrets: ["zzz"]).redact("plain message") == "plain message")
        #expect(Redactor(secrets: [""]).redact("plain message") == "plain message")
    }
}

@Suite("Template")
struct TemplateTests {
    @Test("references are listed in order of appearance, trimmed")
    func references() {
        #expect(Template.references(in: "https://{{ subdomain }}.example.com/{{tenant}}/{{subdomain}}") == ["subdomain", "tenant", "subdomain"])
        #expect(Template.references(in: "no braces") == [])
        #expect(Template.references(in: "open {{only") == [])
    }

    @Test("render substitutes values; unknown names become empty; text outside braces is kept")
    func render() {
        #expect(Template.render("https://{{sub}}.example.com/oauth/token", values: ["sub": "acme"]) == "https://acme.example.com/oauth/token")
        #expect(Template.render("{{a}}-{{missing}}-{{ a }}", values: ["a": "x"]) == "x--x")
        #expect(Template.render("left {{unclosed", values: ["unclosed": "no"]) == "left {{unclosed")
    }
}
