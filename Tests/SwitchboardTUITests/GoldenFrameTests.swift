import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing
@testable import SwitchboardTUI

/// Frames as plain-text golden files (characters, a style grid and its legend) under
/// `Golden/`. Re-record with `SWITCHBOARD_RECORD_GOLDEN=1 swift test --filter GoldenFrameTests`.
@Suite struct GoldenFrameTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let sizes = [Size(width: 80, height: 24), Size(width: 60, height: 16)]

    func assertGolden(_ frame: Frame, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = Self.directory.appendingPathComponent("\(name)-\(frame.width)x\(frame.height).txt")
        let actual = frame.goldenText
        if ProcessInfo.processInfo.environment["SWITCHBOARD_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("missing golden \(file.lastPathComponent): record with SWITCHBOARD_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        guard expected != actual else { return }
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expectedLines.count, actualLines.count)
        Issue.record("""
            \(file.lastPathComponent) differs at line \(line + 1):
            expected: \(line < expectedLines.count ? expectedLines[line] : "<end>")
            actual:   \(line < actualLines.count ? actualLines[line] : "<end>")
            whole frame:
            \(actual)
            """, sourceLocation: sourceLocation)
    }

    @Test(arguments: sizes) func home(size: Size) async throws {
        var h = try await BackendHarness.demoStore(size: size)
        h.press(.down)
        try assertGolden(h.frame, "home")
    }

    @Test(arguments: sizes) func homeFiltered(size: Size) async throws {
        var h = try await BackendHarness.demoStore(size: size)
        h.press(.char("/"))
        h.type("acme")
        try assertGolden(h.frame, "home-filter")
    }

    @Test(arguments: sizes) func wizard(size: Size) async throws {
        var h = try await BackendHarness.demoStore(size: size)
        h.open("acme/sync-invoices")
        h.focus("tenant")
        h.press(.end)
        h.type("-2")
        try assertGolden(h.frame, "wizard")
    }

    @Test(arguments: sizes) func validationError(size: Size) async throws {
        var h = try await BackendHarness.demoStore(size: size)
        h.open("acme/sync-invoices")
        h.focus("host")
        h.press(.ctrl("u"))
        h.type("api.acme.test")
        h.press(.tab)
        try assertGolden(h.frame, "validation-error")
    }

    @Test(arguments: sizes) func logPane(size: Size) async throws {
        var h = try await BackendHarness.demoStore(size: size)
        h.open("globex/sync-invoices")
        h.press(.down)
        h.send(.tick)
        try assertGolden(h.frame, "log-pane")
    }

    @Test(arguments: sizes) func customerWizard(size: Size) async throws {
        var h = try await BackendHarness.demoStore(role: .customer("acme"), size: size)
        h.open("acme/crm-oauth")
        h.press(.enter)
        try assertGolden(h.frame, "customer-oauth")
    }

    @Test(arguments: sizes) func draftDialog(size: Size) async throws {
        let backend = try await DemoStore.backend()
        let id = try #require(try backend.instances().first { $0.name == "acme/sync-invoices" }).id
        try backend.saveDraft(Draft(instance: id, edits: ["store": ["secretAccessKey": "x", "accessKeyId": "AKIA2"]]))
        var h = BackendHarness(size: size, backend: backend)
        h.open("acme/sync-invoices")
        try assertGolden(h.frame, "draft-dialog")
    }

    @Test(arguments: sizes) func deployCustomer(size: Size) async throws {
        var h = try await BackendHarness.demoStore(size: size)
        h.press(.char("n"), .enter)
        h.type("be")
        try assertGolden(h.frame, "deploy-customer")
    }

    @Test(arguments: sizes) func connect(size: Size) async throws {
        var h = try await BackendHarness.demoStore(size: size)
        h.open("acme/crm-oauth")
        h.press(.char("c"))
        let id = h.state.instance!.instanceID
        h.send(.connectProgress(instance: id, variable: "crm", .authorize(
            url: InMemoryWizardBackend.demoAuthorizeURL, redirectURI: InMemoryWizardBackend.demoRedirectURI, port: 49152)))
        h.send(.connectProgress(instance: id, variable: "crm", .listening(redirectURI: InMemoryWizardBackend.demoRedirectURI)))
        for _ in 0..<25 { h.send(.tick) }
        try assertGolden(h.frame, "connect")
    }

    @Test(arguments: sizes) func connectPaste(size: Size) async throws {
        var h = try await BackendHarness.demoStore(size: size)
        h.open("acme/crm-oauth")
        h.press(.char("c"))
        let id = h.state.instance!.instanceID
        h.send(.connectProgress(instance: id, variable: "crm", .authorize(
            url: InMemoryWizardBackend.demoAuthorizeURL, redirectURI: InMemoryWizardBackend.demoRedirectURI, port: 49152)))
        h.press(.char("p"))
        h.send(.paste("http://127.0.0.1:49152/callback?code=x&state=forged"))
        h.press(.enter)
        h.send(.connectProgress(instance: id, variable: "crm", .pastedURLRefused(realRefusal("http://127.0.0.1:49152/callback?code=x&state=forged"))))
        try assertGolden(h.frame, "connect-paste")
    }

    @Test(arguments: sizes) func connectDevice(size: Size) async throws {
        var h = try await BackendHarness.demoStore(size: size)
        h.open("acme/crm-oauth")
        h.press(.char("c"))
        h.send(.connectProgress(instance: h.state.instance!.instanceID, variable: "crm", .device(
            userCode: "WDJB-MJHT", verificationURI: "https://login.acme.test/device",
            completeURI: "https://login.acme.test/device?user_code=WDJB-MJHT", expiresIn: 1800, interval: 5)))
        try assertGolden(h.frame, "connect-device")
    }

    @Test(arguments: [Size(width: 40, height: 10), Size(width: 49, height: 16), Size(width: 20, height: 5)])
    func tooSmall(size: Size) throws {
        let h = Harness(size: size)
        #expect(h.screen.contains("enlarge") || size.height < 6)
        try assertGolden(h.frame, "too-small")
    }
}
