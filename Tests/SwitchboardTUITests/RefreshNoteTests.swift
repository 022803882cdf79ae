import SwitchboardCore
import SwitchboardTestSupport
import Testing
@testable import SwitchboardTUI

/// The refresh health line on a connection's screen, over the real store: what a failed
/// refresh writes shows under the badge, and goes when a refresh works again, without
/// reopening the instance.
@Suite struct RefreshNoteTests {
    static let tokenURL = "https://login.acme.test/oauth/token"

    @Test func theRetryingNoteShowsUnderTheBadgeAndClearsOnRecovery() async throws {
        let backend = try await DemoStore.backend()
        let store = backend.store
        try store.storeTokens(store.oauthConnection(instance: "acme/crm-oauth", variable: "crm"),
                              TokenResponse(accessToken: "AT-NOTE", refreshToken: "RT-NOTE", expiresIn: 3600), source: .authorizationCode)
        let down = ScriptedTransport([.init("POST", .exact(Self.tokenURL), respond: .text(503, "<html>busy</html>"))])
        #expect(try await TokenRefresher(store: store, transport: down).refreshDue(RefreshSelection(force: true)).retryLater == 1)

        var h = BackendHarness(backend: backend)
        h.open("acme/crm-oauth")
        let retrying = h.frame.text.split(separator: "\n").first { $0.contains("refresh: retrying") }
        #expect(retrying?.contains("refresh: retrying (1 failure, next ") == true, "\(h.screen)")
        // The line is cut to the form's width; the log pane below has the whole error.
        #expect(h.screen.contains("the provider answered HTTP 503"), "\(h.screen)")
        #expect(h.screen.contains("configured"), "the badge stays yellow while retrying")

        let back = ScriptedTransport([.init("POST", .exact(Self.tokenURL), respond: .json(200, #"{"access_token":"AT-2","expires_in":3600}"#))])
        #expect(try await TokenRefresher(store: store, transport: back).refreshDue(RefreshSelection(force: true)).refreshed == 1)
        // The open instance is re-read every few ticks; the note follows within them.
        for _ in 0..<8 where !h.screen.contains("refresh: ok") { h.send(.tick) }
        #expect(h.screen.contains("refresh: ok (last refreshed 03-14 "), "\(h.screen)")
        #expect(!h.screen.contains("refresh: retrying"))
    }
}
