import Foundation
import SwitchboardTestSupport
import Synchronization
@testable import SwitchboardCore
import Testing

@Suite struct DeviceFlowTests {
    func client() throws -> OAuthClient {
        var values = OAuthFixtures.values
        values["clientSecret"] = nil
        return try OAuthFixtures.client({
            $0.grant = .deviceCode
            $0.clientAuth = .body
            $0.deviceAuthorizationUrl = "https://login.acme.test/device"
        }, values: values)
    }

    /// Records the waits instead of waiting; the clock advances by each wait.
    final class FakeTime: Sendable {
        let state = Mutex((now: Date(timeIntervalSince1970: 1_000_000), waits: [Int]()))
        var waits: [Int] { state.withLock { $0.waits } }
        func sleep(_ duration: Duration) {
            state.withLock {
                $0.waits.append(Int(duration.components.seconds))
                $0.now = $0.now.addingTimeInterval(TimeInterval(duration.components.seconds))
            }
        }
        func now() -> Date { state.withLock { $0.now } }
    }

    func poller(_ transport: ScriptedTransport, _ time: FakeTime) -> DevicePoller {
        DevicePoller(transport: transport, sleep: { time.sleep($0) }, now: { time.now() })
    }

    let tokenURL: ScriptedTransport.URLMatch = "https://login.acme.test/oauth/token"
    let pollBody = ScriptedTransport.BodyMatch.form(["grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "DC-1", "client_id": "abc123"])

    @Test func parsesTheDeviceAuthorizationResponse() throws {
        let response = HTTPResponse.json(200, #"{"device_code":"DC-1","user_code":"WDJB-MJHT","verification_uri":"https://login.acme.test/device","verification_uri_complete":"https://login.acme.test/device?user_code=WDJB-MJHT","expires_in":1800,"interval":5}"#)
        let auth = try OAuthResponseParser.deviceAuthorization(response)
        #expect(auth == DeviceAuthorization(deviceCode: "DC-1", userCode: "WDJB-MJHT", verificationURI: "https://login.acme.test/device",
                                            verificationURIComplete: "https://login.acme.test/device?user_code=WDJB-MJHT", expiresIn: 1800, interval: 5))
        #expect(!"\(auth)".contains("DC-1"))
        let google = try OAuthResponseParser.deviceAuthorization(.json(200, #"{"device_code":"d","user_code":"u","verification_url":"https://www.google.com/device","expires_in":"1800"}"#))
        #expect(google.verificationURI == "https://www.google.com/device")
        #expect(google.interval == 5)
        #expect(throws: OAuthError.self) { try OAuthResponseParser.deviceAuthorization(.json(200, #"{"user_code":"u"}"#)) }
    }

    @Test func pollsWithTheIntervalAndSlowsDownByFiveSeconds() async throws {
        let transport = OAuthFixtures.scripted([
            .init("POST", tokenURL, body: pollBody, respond: .json(400, #"{"error":"authorization_pending"}"#)),
            .init("POST", tokenURL, body: pollBody, respond: .json(400, #"{"error":"slow_down"}"#)),
            .init("POST", tokenURL, body: pollBody, respond: .json(400, #"{"error":"authorization_pending"}"#)),
            .init("POST", tokenURL, body: pollBody, respond: .json(200, #"{"access_token":"AT","refresh_token":"RT","expires_in":60}"#)),
        ])
        let time = FakeTime()
        let auth = DeviceAuthorization(deviceCode: "DC-1", userCode: "U", verificationURI: "https://x.test", expiresIn: 600, interval: 3)
        let tokens = try await poller(transport, time).poll(client: client(), authorization: auth)
        #expect(tokens.accessToken == "AT")
        #expect(time.waits == [3, 3, 8, 8])
        try transport.assertAllUsed()
    }

    @Test func stopsOnAccessDenied() async throws {
        let transport = OAuthFixtures.scripted([
            .init("POST", tokenURL, respond: .json(400, #"{"error":"access_denied","error_description":"denied"}"#)),
        ])
        let auth = DeviceAuthorization(deviceCode: "DC-1", userCode: "U", verificationURI: "https://x.test", expiresIn: 600, interval: 5)
        await #expect(throws: OAuthError.provider(code: "access_denied", description: "denied", status: 400)) {
            try await poller(transport, FakeTime()).poll(client: client(), authorization: auth)
        }
        try transport.assertAllUsed()
    }

    @Test func stopsOnExpiredTokenFromTheProviderOrTheClock() async throws {
        let transport = OAuthFixtures.scripted([
            .init("POST", tokenURL, respond: .json(400, #"{"error":"expired_token"}"#)),
        ])
        let auth = DeviceAuthorization(deviceCode: "DC-1", userCode: "U", verificationURI: "https://x.test", expiresIn: 600, interval: 5)
        await #expect(throws: OAuthError.provider(code: "expired_token", description: nil, status: 400)) {
            try await poller(transport, FakeTime()).poll(client: client(), authorization: auth)
        }
        // Expiry by the clock: no request after the device code's lifetime.
        let none = OAuthFixtures.scripted([
            .init("POST", tokenURL, respond: .json(400, #"{"error":"authorization_pending"}"#)),
        ])
        let short = DeviceAuthorization(deviceCode: "DC-1", userCode: "U", verificationURI: "https://x.test", expiresIn: 7, interval: 5)
        await #expect(throws: OAuthError.self) {
            try await poller(none, FakeTime()).poll(client: client(), authorization: short)
        }
        try none.assertAllUsed()
    }

    @Test func networkTroubleBacksOff() async throws {
        let transport = OAuthFixtures.scripted([
            .init("POST", tokenURL, fail: SwitchboardError.http("could not connect")),
            .init("POST", tokenURL, respond: .json(200, #"{"access_token":"AT"}"#)),
        ])
        let time = FakeTime()
        let auth = DeviceAuthorization(deviceCode: "DC-1", userCode: "U", verificationURI: "https://x.test", expiresIn: 600, interval: 5)
        _ = try await poller(transport, time).poll(client: client(), authorization: auth)
        #expect(time.waits == [5, 10])
    }
}

@Suite struct QRCodeTests {
    @Test func encodesAURLAndDrawsHalfBlocks() throws {
        let code = try QRCode.encode("http://127.0.0.1:8765/o/device/?user_code=ABCD-EFGH")
        #expect(code.width >= 21)
        #expect((code.width - 17) % 4 == 0)
        // Finder pattern: the top-left 7×7 square has a dark border.
        #expect((0..<7).allSatisfy { code.isDark($0, 0) && code.isDark(0, $0) })
        #expect(!code.isDark(1, 1))
        let lines = code.terminalLines(quietZone: 2)
        #expect(lines.count == (code.width + 4 + 1) / 2)
        #expect(lines.allSatisfy { $0.count == code.width + 4 })
        #expect(lines[0].allSatisfy { $0 == "█" })
    }

    @Test func rejectsEmptyAndHugeInput() {
        #expect(throws: SwitchboardError.self) { try QRCode.encode("") }
        #expect(throws: SwitchboardError.self) { try QRCode.encode(String(repeating: "x", count: 3000)) }
    }
}
