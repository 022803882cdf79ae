import Foundation
import Testing

/// The built `switchboard` binary driven in tmux against a temporary database: what a
/// person at a terminal does, checked through the scriptable commands afterwards.
@Suite("Wizard end to end (tmux)") struct WizardEndToEndTests {
    static let instance = "acme/tableau-s3-backup"

    /// A sandbox with examples/s3-backup.yaml imported and deployed for acme.
    func prepared(_ name: String) async throws -> Sandbox {
        let sandbox = try Sandbox(name)
        guard FileManager.default.isExecutableFile(atPath: sandbox.binary) else {
            throw EndToEndError("no switchboard binary at \(sandbox.binary): run `swift build` first (or set SWITCHBOARD_BIN)")
        }
        try await sandbox.ok("import", EndToEnd.root + "/examples/s3-backup.yaml")
        try await sandbox.ok("deploy", "tableau-s3-backup", "--customer", "acme")
        return sandbox
    }

    /// Runs `body` with the wizard started in tmux, and always stops the tmux server and
    /// removes the sandbox afterwards.
    func withWizard(_ sandbox: Sandbox, _ arguments: [String] = [], extraEnvironment: [String: String] = [:],
                    forbidden: [String] = [], _ body: (TmuxSession) async throws -> Void) async throws {
        let command = sandbox.wizardCommand(arguments, extraEnvironment: extraEnvironment)
        let tmux = try await TmuxSession.start(command, in: sandbox, forbidden: forbidden)
        do {
            try await body(tmux)
        } catch {
            await tmux.kill()
            sandbox.remove()
            throw error
        }
        await tmux.kill()
        sandbox.remove()
    }

    /// Leaves the form, the instance and the wizard with the keys a person would use.
    func quit(_ tmux: TmuxSession) async throws {
        try await tmux.press("Escape")
        try await tmux.waitFor("connection  Enter edit")
        try await tmux.press("q")
        try await tmux.waitFor("new instance")
        try await tmux.press("q")
        let status = try await tmux.waitForExit()
        #expect(status == 0)
    }

    static let longValue: String = {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let tail = "-end-of-paste"
        return String((0..<(4000 - tail.count)).map { alphabet[($0 * 7) % alphabet.count] }) + tail
    }()

    @Test func fillEveryFieldOfABasicConnectionThenSave() async throws {
        let sandbox = try await prepared("fill")
        let secret = "PatSecret-e2e-7QX-never-shown"
        try await withWizard(sandbox, forbidden: [secret]) { tmux in
            // Home → filter → open.
            try await tmux.waitFor(Self.instance, "new instance")
            try await tmux.type("/tableau")
            try await tmux.waitFor("Filter: tableau")
            try await tmux.press("Enter")
            try await tmux.waitFor("open")
            try await tmux.press("Enter")
            try await tmux.waitFor("Connections", "Host Name", "connection  Enter edit")
            try await tmux.press("Enter")
            try await tmux.waitFor("Tab next")

            // Host Name: replace the default.
            try await tmux.press("C-u")
            try await tmux.type("https://10ax.online.tableau.com")
            try await tmux.waitFor("https://10ax.online.tableau.com")
            // Site ID: a 4,000-character bracketed paste.
            try await tmux.press("Tab")
            try await tmux.waitFor("part after /site/")
            try await tmux.paste(Self.longValue)
            try await tmux.waitFor("end-of-paste")
            // Token name, then the secret (masked), then the API version.
            try await tmux.press("Tab")
            try await tmux.waitFor("My Account Settings")
            try await tmux.press("C-u")  // the integration's default
            try await tmux.type("switchboard-e2e")
            try await tmux.waitFor("switchboard-e2e")
            try await tmux.press("Tab")
            try await tmux.waitFor("Shown only once")
            try await tmux.type(secret)
            try await tmux.waitFor(String(repeating: "•", count: secret.count))
            try await tmux.press("Tab")
            try await tmux.waitFor("REST API version used")
            try await tmux.press("C-u")
            try await tmux.type("3.21")
            try await tmux.waitUntil("the API version typed") { screen in
                screen.split(separator: "\n").contains { $0.contains("REST API Version") && $0.contains("3.21") }
            }

            try await tmux.press("C-s")
            try await tmux.waitFor("Saved tableau: configured")
            try await quit(tmux)

            #expect(try await sandbox.status(Self.instance, "tableau") == "configured")
            let values = try await sandbox.values(Self.instance, "tableau")
            #expect(values["host"] == "https://10ax.online.tableau.com")
            #expect(values["siteId"] == Self.longValue)
            #expect(values["tokenName"] == "switchboard-e2e")
            #expect(values["tokenSecret"] == secret)
            #expect(values["apiVersion"] == "3.21")
        }
    }

    @Test func resizingMidEditKeepsTheValue() async throws {
        let sandbox = try await prepared("resize")
        try await withWizard(sandbox, ["configure", Self.instance]) { tmux in
            try await tmux.waitFor("Host Name", "connection  Enter edit")
            try await tmux.press("Enter")
            try await tmux.waitFor("Tab next")
            try await tmux.press("Tab", "Tab")
            try await tmux.waitFor("My Account Settings")
            try await tmux.press("C-u")
            try await tmux.type("first-")
            try await tmux.waitFor("first-")
            try await tmux.resize(width: 60, height: 16)
            try await tmux.waitUntil("the 60×16 layout") { screen in
                screen.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy { $0.count <= 60 } && screen.contains("first-")
            }
            try await tmux.type("middle-")
            try await tmux.waitFor("first-middle-")
            try await tmux.resize(width: 40, height: 10)
            try await tmux.waitFor("Terminal too small")
            try await tmux.resize(width: 120, height: 40)
            try await tmux.waitFor("first-middle-", "Tab next")
            try await tmux.type("last")
            try await tmux.waitFor("first-middle-last")
            try await tmux.resize(width: 100, height: 30)
            try await tmux.waitFor("first-middle-last")
            try await tmux.press("C-s")
            try await tmux.waitFor("Saved tableau: unconfigured")
            try await quit(tmux)

            let values = try await sandbox.values(Self.instance, "tableau")
            #expect(values["tokenName"] == "first-middle-last")
            #expect(try await sandbox.status(Self.instance, "tableau") == "unconfigured")
        }
    }

    @Test func hangupMidEditKeepsADraftThatTheNextSessionRestores() async throws {
        let sandbox = try await prepared("hangup")
        let secret = "draft-secret-never-shown-99"
        try await withWizard(sandbox, ["configure", Self.instance], forbidden: [secret]) { tmux in
            try await tmux.waitFor("Host Name", "connection  Enter edit")
            try await tmux.press("Enter")
            try await tmux.waitFor("Tab next")
            try await tmux.press("Tab", "Tab")
            try await tmux.waitFor("My Account Settings")
            try await tmux.press("C-u")
            try await tmux.type("draft-value-42")
            try await tmux.press("Tab")
            try await tmux.waitFor("Shown only once")
            try await tmux.type(secret)
            try await tmux.waitFor("draft-value-42", String(repeating: "•", count: secret.count))

            // The SSH session drops: the wizard gets SIGHUP.
            let pid = try await tmux.commandPID()
            #expect(kill(pid, SIGHUP) == 0)
            let status = try await tmux.waitForExit()
            #expect(status == 128 + SIGHUP)

            try await tmux.respawn(sandbox.wizardCommand(["configure", Self.instance]))
            try await tmux.waitFor("Unsaved input found", "tableau.tokenName", "tableau.tokenSecret")
            try await tmux.press("y")
            try await tmux.waitFor("Restored 2 unsaved values", "draft-value-42")
            try await tmux.press("s")
            try await tmux.waitFor("Saved tableau: configured")
            try await tmux.press("q")
            try await tmux.waitFor("new instance")
            try await tmux.press("q")
            #expect(try await tmux.waitForExit() == 0)

            let values = try await sandbox.values(Self.instance, "tableau")
            #expect(values["tokenName"] == "draft-value-42")
            #expect(values["tokenSecret"] == secret)
        }
    }

    @Test func customerRoleNeverShowsAHiddenField() async throws {
        let sandbox = try await prepared("customer")
        try await sandbox.ok("deploy", "tableau-s3-backup", "--customer", "globex")
        try await sandbox.ok("import", EndToEnd.root + "/examples/crm-sync.yaml")
        try await sandbox.ok("deploy", "crm-sync", "--customer", "acme")
        // The team sets a hidden field: its label and value must stay off the customer's screens.
        try await sandbox.ok("configure", Self.instance, "--set", "tableau.apiVersion=9.87")
        let forbidden = ["REST API Version", "9.87", "apiVersion", "Consumer Key", "Consumer Secret", "REPLACE-ME",
                         "api id refresh_token offline_access", "chat:write", "globex"]
        try await withWizard(sandbox, ["--role", "customer", "--customer", "acme"], forbidden: forbidden) { tmux in
            try await tmux.waitFor("customer acme", "acme/crm-sync", Self.instance)
            for (row, name) in ["acme/crm-sync", Self.instance].enumerated() {
                if row > 0 { try await tmux.press("Down") }
                try await tmux.press("Enter")
                try await tmux.waitFor("Switchboard · \(name)", "connection  Enter edit")
                try await visitEveryConnection(tmux, variables: try await sandbox.variables(name))
                try await tmux.press("q")
                try await tmux.waitFor("new instance")
            }
            try await tmux.press("q")
            #expect(try await tmux.waitForExit() == 0)
        }
    }

    /// Every connection of the open instance: its form, every field focused in turn, its log.
    func visitEveryConnection(_ tmux: TmuxSession, variables: [String]) async throws {
        for (index, variable) in variables.enumerated() {
            if index > 0 { try await tmux.press("Down") }
            try await tmux.waitUntil("\(variable) selected and loaded") { screen in
                screen.split(separator: "\n").contains { $0.hasPrefix(" ▸ \(variable)") } && !screen.contains("Loading")
            }
            try await tmux.press("Enter")
            let screen = try await tmux.waitUntil("the form or its notice") { $0.contains("Tab next") || $0.contains("no fields to fill in") }
            guard screen.contains("Tab next") else { continue }
            // Tab to the last field and past it: every field has had focus.
            _ = try await EndToEnd.poll("the last field of \(variable)") {
                try await tmux.press("Tab")
                let screen = try await tmux.capture()
                return (screen.contains("Last field") ? true : nil, screen)
            }
            try await tmux.press("Escape")
            try await tmux.waitFor("connection  Enter edit")
        }
    }

    @Test func aDumbTerminalOrNoTerminalGetsOneLineAndExit2() async throws {
        let sandbox = try Sandbox("dumb")
        // Not a terminal at all.
        let piped = try await sandbox.cli([])
        #expect(piped.status == 2)
        let lines = piped.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(piped.stderr.contains("needs an interactive terminal"))
        // A terminal that cannot do it.
        try await withWizard(sandbox, extraEnvironment: ["TERM": "dumb"]) { tmux in
            let status = try await tmux.waitForExit()
            #expect(status == 2)
            let screen = try await tmux.capture(joiningWrappedLines: true)
            #expect(screen.contains("the wizard needs an interactive terminal (TERM is dumb)"))
        }
    }
}
