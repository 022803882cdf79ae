import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

extension HTTPTests {
    @Suite struct TestRequestRunnerTests {
        let apiKeyTest = TestRequest(method: "get", url: "{{host}}/v1/me", headers: ["Authorization": "Bearer {{apiKey}}"], expectStatus: 200)
        let values = ["host": "https://api.acme.test", "apiKey": "sk-live-123456"]

        private func scripted(_ expectations: [ScriptedTransport.Expectation]) -> ScriptedTransport {
            ScriptedTransport(expectations, onFailure: { Issue.record(Comment(rawValue: $0)) })
        }

        @Test func passesWhenTheStatusMatches() async throws {
            let transport = scripted([
                .init("GET", "https://api.acme.test/v1/me", headers: [.equals("Authorization", "Bearer sk-live-123456")],
                      respond: .json(200, #"{"id": 1}"#)),
            ])
            let result = await TestRequestRunner(transport: transport).run(apiKeyTest, values: values, secretValues: ["sk-live-123456"])
            #expect(result.passed)
            #expect(result.status == 200)
            #expect(result.message.hasPrefix("GET https://api.acme.test/v1/me → 200 (expected 200) in "))
            #expect(result.message.hasSuffix(" ms"))
            try transport.assertAllUsed()
        }

        /// Slack answers 200 with `"ok": false` for a dead token: the status alone would pass it.
        @Test func expectJsonCatchesA200ThatSaysNo() async throws {
            let test = TestRequest(method: "POST", url: "https://slack.com/api/auth.test", headers: ["Authorization": "Bearer {{access_token}}"],
                                   expectJson: ["ok": .bool(true), "team.id": .string("T1")])
            let token = "xoxb-SECRET-TOKEN"
            let dead = scripted([.init("POST", "https://slack.com/api/auth.test", respond: .json(200, #"{"ok": false, "error": "invalid_auth"}"#))])
            let failed = await TestRequestRunner(transport: dead).run(test, values: [:], accessToken: token)
            #expect(!failed.passed)
            #expect(failed.status == 200)
            #expect(failed.message.contains("→ 200 (expected 200) in "))
            #expect(failed.message.hasSuffix(", but ok is false (expected true)"), "\(failed.message)")

            let alive = scripted([.init("POST", "https://slack.com/api/auth.test",
                                        respond: .json(200, #"{"ok": true, "team": {"id": "T1"}, "user": "U1"}"#))])
            #expect(await TestRequestRunner(transport: alive).run(test, values: [:], accessToken: token).passed)

            // 1 is not true, an echoed secret is masked, a body that is not JSON fails.
            for (body, suffix) in [(#"{"ok": 1, "team": {"id": "T1"}}"#, ", but ok is 1 (expected true)"),
                                   (#"{"ok": true, "team": {"id": "xoxb-SECRET-TOKEN"}}"#, #", but team.id is "***" (expected "T1")"#),
                                   ("<html>", ", but ok is absent (the response is not JSON) (expected true)")] {
                let transport = scripted([.init("POST", "https://slack.com/api/auth.test", respond: .text(200, body))])
                let result = await TestRequestRunner(transport: transport).run(test, values: [:], accessToken: token)
                #expect(!result.passed)
                #expect(result.message.hasSuffix(suffix), "\(result.message)")
                #expect(!result.message.contains(token))
            }
        }

        @Test func aDeclaredBodyAndContentTypeAreSent() async throws {
            let test = TestRequest(method: "POST", url: "https://api.dropboxapi.com/2/users/get_current_account",
                                   headers: ["Authorization": "Bearer {{access_token}}"], body: "null", contentType: "application/json")
            let transport = scripted([
                .init("POST", "https://api.dropboxapi.com/2/users/get_current_account",
                      body: .text("null"), headers: [.equals("Content-Type", "application/json")], respond: .json(200, "{}")),
            ])
            #expect(await TestRequestRunner(transport: transport).run(test, values: [:], accessToken: "sl.TOKEN").passed)
            try transport.assertAllUsed()
        }

        @Test func failsWithTheProviderReasonAndRedactsSecrets() async throws {
            let token = "ya29.TOKEN-VALUE"
            let test = TestRequest(url: "https://api.acme.test/me", headers: ["Authorization": "Bearer {{access_token}}"])
            let transport = scripted([
                .init("GET", "https://api.acme.test/me", headers: [.equals("Authorization", "Bearer \(token)")],
                      respond: .json(401, #"{"error": "invalid_token", "error_description": "token ya29.TOKEN-VALUE expired"}"#)),
            ])
            let result = await TestRequestRunner(transport: transport).run(test, values: [:], accessToken: token)
            #expect(!result.passed)
            #expect(result.status == 401)
            #expect(result.message.contains("→ 401 (expected 200) in "))
            #expect(result.message.hasSuffix(": invalid_token: token *** expired"))
            #expect(!result.message.contains(token))
            try transport.assertAllUsed()
        }

        @Test func redactsSecretsInTheURLAndUserInfo() async throws {
            let test = TestRequest(url: "https://admin:{{password}}@s3.example.test/list?key={{apiKey}}&q=1", expectStatus: 200)
            let values = ["password": "hunter 2", "apiKey": "k/e+y"]
            let transport = scripted([.init("GET", .prefix("https://admin:hunter 2@s3.example.test/list"), respond: .text(403, "no"))])
            let result = await TestRequestRunner(transport: transport).run(test, values: values, secretValues: ["hunter 2", "k/e+y"])
            #expect(result.message.hasPrefix("GET https://s3.example.test/list?key=***&q=1 → 403 (expected 200)"))
            #expect(!result.message.contains("hunter"))
            #expect(!result.message.contains("admin"))
            try transport.assertAllUsed()
        }

        @Test func redactsThePercentEncodedSpellingOfASecret() async throws {
            let transport = scripted([.init("GET", "https://a.test/?k=a%2Fb", respond: .json(400, #"{"message": "bad key a%2Fb"}"#))])
            let test = TestRequest(url: "https://a.test/?k=a%2Fb")
            let result = await TestRequestRunner(transport: transport).run(test, values: [:], secretValues: ["a/b"])
            #expect(result.message.hasPrefix("GET https://a.test/?k=*** → 400"))
            #expect(result.message.hasSuffix(": bad key ***"))
        }

        @Test func reportsTransportErrorsWithoutAStatus() async throws {
            let transport = scripted([.init("GET", "https://api.acme.test/v1/me",
                                            fail: SwitchboardError.http("could not connect to api.acme.test:443: Connection refused"))])
            let result = await TestRequestRunner(transport: transport).run(apiKeyTest, values: values, secretValues: ["sk-live-123456"])
            #expect(!result.passed)
            #expect(result.status == nil)
            #expect(result.message.hasPrefix("GET https://api.acme.test/v1/me failed after "))
            #expect(result.message.hasSuffix(" ms: could not connect to api.acme.test:443: Connection refused"))
        }

        @Test func doesNotSendWhenAReferencedValueIsMissing() async throws {
            let transport = scripted([])
            let missingKey = await TestRequestRunner(transport: transport).run(apiKeyTest, values: ["host": "https://api.acme.test"])
            #expect(missingKey == TestResult(passed: false, status: nil, message: "GET test request not sent: no value for {{apiKey}}"))
            let test = TestRequest(url: "https://a.test/me", headers: ["Authorization": "Bearer {{access_token}}"])
            let noToken = await TestRequestRunner(transport: transport).run(test, values: [:])
            #expect(noToken.message == "GET test request not sent: no access token (connect first)")
            #expect(transport.requests.isEmpty)
        }

        @Test func keepsTheMessageToOneShortLine() async throws {
            let longReason = "line one\nline two\u{1B}[31m " + String(repeating: "very long reason ", count: 40)
            let body = try JSONSerialization.data(withJSONObject: ["error": ["code": 403, "message": longReason]])
            let transport = scripted([.init("GET", .prefix("https://a.test/"), respond: HTTPResponse(status: 403, body: body))])
            let test = TestRequest(url: "https://a.test/" + String(repeating: "segment/", count: 30))
            let result = await TestRequestRunner(transport: transport).run(test, values: [:])
            #expect(result.message.count <= 200)
            #expect(!result.message.contains("\n"))
            #expect(!result.message.contains("\u{1B}"))
            #expect(result.message.contains("→ 403 (expected 200)"))
            #expect(result.message.contains(": line one line two [31m very long"))
        }

        @Test func ignoresNonJSONBodies() async throws {
            let transport = scripted([.init("GET", "https://a.test/", respond: .text(500, "<html>oops</html>"))])
            let result = await TestRequestRunner(transport: transport).run(TestRequest(url: "https://a.test/"), values: [:])
            #expect(result.message.hasSuffix(" ms"))
        }

        @Test func sendsTheRenderedBodyAndMethod() async throws {
            let test = TestRequest(method: "POST", url: "{{host}}/check", headers: ["Content-Type": "application/json"],
                                   body: #"{"user": "{{user}}"}"#, expectStatus: 204)
            let transport = scripted([.init("POST", "https://a.test/check", body: .text(#"{"user": "ann"}"#),
                                            headers: [.equals("Content-Type", "application/json")], respond: .text(204, ""))])
            let result = await TestRequestRunner(transport: transport).run(test, values: ["host": "https://a.test", "user": "ann"])
            #expect(result.passed)
            try transport.assertAllUsed()
        }
    }
}
