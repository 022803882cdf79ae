import SwitchboardCore
import SwitchboardTestSupport
import Testing
@testable import SwitchboardTUI

/// CONNECT and DISCONNECT as data: keys and the runtime's progress events in, screens and
/// effects out. The flows themselves run in the runtime (end-to-end test against the real
/// provider in EndToEnd/).
@Suite struct ConnectTests {
    static let url = InMemoryWizardBackend.demoAuthorizeURL
    static let redirect = InMemoryWizardBackend.demoRedirectURI

    /// acme/crm-oauth's `crm` (OAuth, no tokens yet), CONNECT pressed.
    func connecting(size: Size = Size(width: 80, height: 24)) -> Harness {
        var h = Harness(size: size)
        h.open("acme/crm-oauth")
        h.press(.char("c"))
        return h
    }

    var id: String { "i4" }

    func progress(_ h: inout Harness, _ progress: ConnectProgress) {
        h.send(.connectProgress(instance: h.state.instance!.instanceID, variable: "crm", progress))
    }

    func authorize(_ h: inout Harness) {
        progress(&h, .authorize(url: Self.url, redirectURI: Self.redirect, port: 49152))
        progress(&h, .listening(redirectURI: Self.redirect))
    }

    @Test func connectOpensTheScreenAndAsksTheRuntimeToStart() {
        let h = connecting()
        let instance = h.state.instance!.instanceID
        #expect(h.effects.last == .connect(instance: instance, variable: "crm", timeoutSeconds: WizardState.connectTimeoutSeconds))
        #expect(h.state.keyContext == .connect)
        #expect(h.screen.contains("CONNECT crm"))
        #expect(h.screen.contains("Starting CONNECT"))
    }

    @Test func theAuthorizeURLIsPrintedWholeOnRowsOfItsOwn() {
        for size in [Size(width: 80, height: 24), Size(width: 60, height: 16), Size(width: 100, height: 30)] {
            var h = connecting(size: size)
            authorize(&h)
            let rows = (0..<h.frame.height).map { h.frame.text(row: $0) }
            guard let start = rows.firstIndex(where: { $0.contains("Open this address") }) else {
                Issue.record("no instruction at \(size)")
                continue
            }
            // The rows after the instruction hold the URL and nothing else, up to a blank row.
            var joined = ""
            for row in rows[(start + 1)...] {
                let trimmed = row.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { break }
                #expect(!row.hasPrefix(" "), "a URL row starts at column 0")
                joined += trimmed
            }
            #expect(joined == Self.url, "at \(size)")
            #expect(h.screen.contains("ssh -L 49152:127.0.0.1:49152"))
            #expect(h.state.helpBindings.map(\.action).contains(.pasteRedirect))
        }
    }

    @Test func rowsOfTextLoseAndAddNothing() {
        for width in [1, 7, 60, 80] {
            let rows = Renderer.rows(of: Self.url, width: width)
            #expect(rows.joined() == Self.url)
            #expect(rows.allSatisfy { $0.count <= width })
            #expect(rows.dropLast().allSatisfy { $0.count == width })
        }
    }

    @Test func theWaitShowsElapsedTimeAndTheTimeout() {
        var h = connecting()
        authorize(&h)
        for _ in 0..<5 { h.send(.tick) }
        #expect(h.screen.contains("Waiting for the browser · 0:02 · gives up in 4:58"))
    }

    @Test func aPastedRedirectURLIsSentToTheFlow() {
        var h = connecting()
        authorize(&h)
        h.press(.char("p"))
        #expect(h.state.keyContext == .connectPaste)
        let pasted = "http://127.0.0.1:49152/callback?code=abc&state=demo-state"
        h.send(.paste(pasted + "\n"))
        #expect(h.state.instance?.connect?.paste?.text == pasted)
        #expect(h.screen.contains("Redirect URL:"))
        h.press(.enter)
        #expect(h.effects.last == .submitRedirect(instance: h.state.instance!.instanceID, variable: "crm", url: pasted))
        #expect(h.screen.contains("Checking the pasted address"))
    }

    @Test func pastingOnTheScreenOpensTheInput() {
        var h = connecting()
        authorize(&h)
        h.send(.paste("http://127.0.0.1:49152/callback?code=a\n&state=b"))
        #expect(h.state.instance?.connect?.paste?.text == "http://127.0.0.1:49152/callback?code=a&state=b")
    }

    @Test func aRefusalIsOneLineAndTheWaitGoesOn() {
        var h = connecting()
        authorize(&h)
        h.press(.char("p"))
        h.type("http://x/callback?code=1&state=forged")
        h.press(.enter)
        progress(&h, .pastedURLRefused(realRefusal("http://x/callback?code=1&state=forged")))
        #expect(h.state.instance?.connect?.notice?.hasPrefix("Pasted URL refused") == true)
        #expect(h.state.instance?.connect?.checkingPaste == false)
        #expect(h.state.instance?.connect?.isWaiting == true)
        #expect(h.screen.contains("✗ Pasted URL refused"))
    }

    @Test func successTurnsTheBadgeConfiguredAndClosesTheScreen() async {
        var h = connecting()
        let instance = h.state.instance!.instanceID
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        continuation.yield("http://127.0.0.1:49152/callback?code=abc&state=demo-state")
        let outcome = await EffectPerformer.performConnect(instance: instance, variable: "crm", timeoutSeconds: 300, pasted: stream,
                                                           backend: h.backend) { _ in }
        h.send(outcome)
        #expect(h.state.instance?.connect == nil)
        #expect(h.state.instance?.summary.connections[0].status == .configured)
        #expect(h.state.instance?.selectedForm?.detail.hasTokens == true)
        #expect(h.state.message?.text == "Connected crm: configured")
        #expect(h.effects.last == .loadLogs(instance: instance, variable: "crm", limit: WizardState.logLimit))
        #expect(h.screen.contains("Connected (authorization_code)"))
        #expect(h.screen.contains("[ RECONNECT ]"))
    }

    @Test func aFailureStaysInOneLineUntilRetriedOrClosed() {
        var h = connecting()
        authorize(&h)
        h.send(.connectFailed(instance: h.state.instance!.instanceID, variable: "crm",
                              message: "the provider did not authorize the connection: access_denied"))
        #expect(h.state.instance?.connect?.isFailed == true)
        #expect(h.screen.contains("✗ CONNECT failed: the provider did not authorize the connection: access_denied"))
        #expect(h.state.helpBindings.map(\.action) == [.retryConnect, .closeConnect])
        h.press(.char("c"))
        #expect(h.effects.last == .connect(instance: h.state.instance!.instanceID, variable: "crm", timeoutSeconds: 300))
        #expect(h.state.instance?.connect?.phase == .starting)
        h.send(.connectFailed(instance: h.state.instance!.instanceID, variable: "crm", message: "no"))
        h.press(.escape)
        #expect(h.state.instance?.connect == nil)
        #expect(h.state.keyContext == .steps)
    }

    @Test func escapeCancelsAndALateCancellationStaysQuiet() {
        var h = connecting()
        authorize(&h)
        h.press(.escape)
        let instance = h.state.instance!.instanceID
        #expect(h.effects.contains(.cancelConnect(instance: instance, variable: "crm")))
        #expect(h.state.instance?.connect == nil)
        #expect(h.state.message?.text == "CONNECT cancelled; nothing was changed")
        h.send(.connectFailed(instance: instance, variable: "crm", message: "cancelled; nothing was changed"))
        #expect(h.state.message?.text == "CONNECT cancelled; nothing was changed")
        #expect(h.state.message?.isError == false)
    }

    @Test func ctrlCCancelsTheFlowBeforeQuitting() {
        var h = connecting()
        authorize(&h)
        h.press(.ctrl("c"))
        let instance = h.state.instance!.instanceID
        #expect(Array(h.effects.suffix(2)) == [.cancelConnect(instance: instance, variable: "crm"), .quit])
    }

    @Test func copyAndPrintHandTheURLToTheRuntime() {
        var h = connecting()
        authorize(&h)
        h.press(.char("y"))
        #expect(h.effects.last == .copyToClipboard(Self.url))
        h.press(.char("o"))
        #expect(h.effects.last == .printOutside(Self.url))
    }

    @Test func deviceCodeShowsTheCodeTheAddressAndAQRCode() {
        var h = connecting(size: Size(width: 100, height: 40))
        progress(&h, .device(userCode: "WDJB-MJHT", verificationURI: "https://login.acme.test/device",
                             completeURI: "https://login.acme.test/device?user_code=WDJB-MJHT", expiresIn: 120, interval: 5))
        #expect(h.screen.contains("Code: WDJB-MJHT"))
        #expect(h.screen.contains("https://login.acme.test/device?user_code=WDJB-MJHT"))
        #expect(h.screen.contains("gives up in 2:00"))
        #expect(!h.state.helpBindings.map(\.action).contains(.pasteRedirect))
        h.press(.char("Q"))
        let lines = h.state.instance?.connect?.qrLines ?? []
        #expect(!lines.isEmpty)
        #expect(h.screen.contains(lines[1]))
    }

    @Test func aQRCodeTooBigForTheTerminalSaysWhatItNeeds() {
        var h = connecting()
        authorize(&h)
        h.press(.char("Q"))
        #expect(h.screen.contains("The QR code needs a"))
    }

    @Test func unsavedChangesMustBeSavedFirst() {
        var h = Harness()
        h.open("acme/crm-oauth")
        h.focus("scopes")
        h.type(" offline")
        h.press(.escape, .char("c"))
        #expect(h.state.instance?.connect == nil)
        #expect(h.state.message?.text == "Save first (^S): CONNECT uses the saved values")
    }

    @Test func connectionsWithoutOAuthHaveNoConnect() {
        var h = Harness()
        h.open("acme/sync-invoices")
        #expect(!h.state.helpBindings.map(\.action).contains(.connect))
        h.press(.char("c"))
        #expect(h.state.instance?.connect == nil)
        #expect(h.state.message?.text == "crm does not use OAuth: it needs no CONNECT")
    }

    @Test func disconnectAsksFirstThenDeletesTheTokens() async throws {
        var h = Harness()
        let instance = try h.backend.instances().first { $0.name == "acme/crm-oauth" }!.id
        try h.backend.seedTokens(instance: instance, variable: "crm")
        h.open("acme/crm-oauth")
        #expect(h.state.helpBindings.map(\.action).contains(.disconnect))
        h.press(.char("d"))
        #expect(h.state.dialog == .confirmDisconnect(variable: "crm"))
        #expect(h.screen.contains("Disconnect crm?"))
        h.press(.char("n"))
        #expect(h.state.dialog == nil)
        h.press(.char("d"), .char("y"))
        #expect(h.effects.last == .disconnect(instance: instance, variable: "crm"))
        h.send(await EffectPerformer.performDisconnect(instance: instance, variable: "crm", backend: h.backend))
        #expect(h.state.instance?.selectedForm?.detail.hasTokens == false)
        #expect(h.state.instance?.summary.connections[0].status == .unconfigured)
        #expect(h.state.message?.text.hasPrefix("Disconnected crm: Tokens deleted") == true)
        #expect(!h.state.helpBindings.map(\.action).contains(.disconnect))
    }

    @Test func disconnectWithoutTokensSaysSo() {
        var h = Harness()
        h.open("acme/crm-oauth")
        h.press(.char("d"))
        #expect(h.state.dialog == nil)
        #expect(h.state.message?.text == "crm has no tokens to delete")
    }
}
