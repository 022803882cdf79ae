import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Synchronization
import Testing

extension HTTPTests {
    @Suite struct ScriptedTransportTests {
        @Test func answersExpectedRequestsInOrder() async throws {
            let transport = ScriptedTransport([
                .init("POST", "https://id.example.test/token", body: .form(["grant_type": "client_credentials"]),
                      headers: [.equals("Authorization", "Basic abc")], respond: .json(200, #"{"access_token":"t"}"#)),
                .init("GET", .prefix("https://api.example.test/"), respond: .text(204, "")),
            ], onFailure: { Issue.record(Comment(rawValue: $0)) })

            let token = try await transport.send(.form(url: "https://id.example.test/token",
                                                       fields: [("grant_type", "client_credentials"), ("scope", "x")],
                                                       headers: ["Authorization": "Basic abc"]))
            #expect(token.status == 200)
            #expect(try await transport.send(HTTPRequest(url: "https://api.example.test/me")).status == 204)
            try transport.assertAllUsed()
            #expect(transport.requests.count == 2)
        }

        @Test func unexpectedRequestThrowsAndIsRecorded() async {
            let reported = Mutex<[String]>([])
            let transport = ScriptedTransport([.init("GET", "https://api.example.test/me", respond: .text(200, "ok"))],
                                              onFailure: { message in reported.withLock { $0.append(message) } })

            await #expect(throws: ScriptedTransport.Failure.self) {
                try await transport.send(HTTPRequest(url: "https://api.example.test/other"))
            }
            #expect(transport.failures.count == 1)
            #expect(transport.failures[0].contains("expected GET https://api.example.test/me but URL is https://api.example.test/other"))
            #expect(reported.withLock { $0 } == transport.failures)
            // The expectation is still waiting, so assertAllUsed fails for both reasons.
            #expect(transport.unusedExpectations.count == 1)
            #expect(throws: ScriptedTransport.Failure.self) { try transport.assertAllUsed() }
        }

        @Test func requestAfterTheScriptEndsThrows() async throws {
            let transport = ScriptedTransport([.init("GET", "https://a.test/", respond: .text(200, ""))])
            _ = try await transport.send(HTTPRequest(url: "https://a.test/"))
            await #expect(throws: ScriptedTransport.Failure.self) { try await transport.send(HTTPRequest(url: "https://a.test/")) }
            #expect(transport.failures.first?.contains("every expected request was already made") == true)
        }

        @Test func bodyAndHeaderMismatchesAreDescribed() async {
            let transport = ScriptedTransport([
                .init("POST", "https://a.test/token", body: .form(["code": "abc"]), headers: [.absent("Authorization")],
                      respond: .text(200, "")),
            ])
            _ = try? await transport.send(.form(url: "https://a.test/token", fields: [("code", "xyz")]))
            _ = try? await transport.send(.form(url: "https://a.test/token", fields: [("code", "abc")], headers: ["Authorization": "Basic x"]))
            #expect(transport.failures.count == 2)
            #expect(transport.failures[0].contains("body does not match form with code=abc"))
            #expect(transport.failures[1].contains("header does not match Authorization absent"))
        }

        @Test func unusedExpectationsFailAssertAllUsed() async throws {
            let transport = ScriptedTransport([
                .init("GET", "https://a.test/1", respond: .text(200, "")),
                .init("POST", "https://a.test/revoke", respond: .text(200, "")),
            ])
            _ = try await transport.send(HTTPRequest(url: "https://a.test/1"))
            #expect(transport.unusedExpectations.map(\.description) == ["POST https://a.test/revoke"])
            let error = #expect(throws: ScriptedTransport.Failure.self) { try transport.assertAllUsed() }
            #expect(error?.description.contains("1 expected request(s) never made: POST https://a.test/revoke") == true)
        }

        @Test func scriptedErrorsAreThrown() async {
            let transport = ScriptedTransport([.init("GET", "https://a.test/", fail: SwitchboardError.http("could not connect to a.test:443: Connection refused"))])
            await #expect(throws: SwitchboardError.http("could not connect to a.test:443: Connection refused")) {
                try await transport.send(HTTPRequest(url: "https://a.test/"))
            }
            #expect(transport.failures.isEmpty)
        }

        @Test func isSafeUnderConcurrentUse() async throws {
            let count = 200
            let transport = ScriptedTransport(
                Array(repeating: .init("GET", .prefix("https://a.test/"), respond: .text(200, "ok")), count: count),
                onFailure: { Issue.record(Comment(rawValue: $0)) })
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<count { group.addTask { try await transport.send(HTTPRequest(url: "https://a.test/\(index)")).status } }
                for try await status in group { #expect(status == 200) }
            }
            try transport.assertAllUsed()
            #expect(Set(transport.requests.map(\.url)).count == count)
        }
    }
}
