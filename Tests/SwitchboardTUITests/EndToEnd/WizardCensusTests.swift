import Foundation
import Testing

/// The wizard's census (SPEC §8, §12; README "The wizard", "Roles: who may do what"): the
/// built binary in tmux against a kitchen-sink definition, every screen a person can reach
/// captured after every step and searched for every value its audience must not see; and
/// control characters planted through every input that still takes them, then every listing
/// command and the wizard checked for raw control bytes.
@Suite("Wizard census (tmux)") struct WizardCensusTests {
    // MARK: - What is planted

    static let password = "WZC-SECRET-PASSWORD-9d8c"
    static let clientSecret = "WZC-SECRET-CLIENTSECRET-3e9a"
    static let hiddenTenant = "WZC-HIDDEN-TENANT-51f0"
    static let hiddenClientID = "WZC-HIDDEN-CLIENTID-7c2d"
    static let publicUser = "WZC-PUBLIC-USER-0a1b"
    static let otherCustomer = "globexq4"
    static let integration = "wcensus-sync"
    static let instance = "acme/wcensus-sync"
    static let otherInstance = "globexq4/wcensus-sync"
    /// What the team's step writes to stderr before exiting 78: the reason and a log line.
    static let stepLine = "rejected \(password) for \(hiddenTenant)"

    /// A basic connection with a password, a hidden string with a default, a template over
    /// each and a test request whose URL reads the hidden field; a client-credentials
    /// connection whose client ID and secret are hidden defaults. Every URL is 127.0.0.1:9
    /// (discard, closed): tests and token requests fail at once.
    static let fixture = """
        component: wcensus
        label: Wizard census kitchen sink
        actions: [fetch, token]
        connections:
          - key: basic
            label: Census basic
            fields:
              - {key: username, label: Census user, type: string, required: true}
              - {key: password, label: Password, type: password, required: true}
              - {key: notes, label: Notes, type: text}
              - {key: hidzqTenant, label: Hidzq Tenant, type: string, required: true}
              - {key: secretTemplate, label: Template over the password, type: template, default: "tpls-{{password}}"}
              - {key: hidzqTemplate, label: Hidzq Template, type: template, default: "tplh-{{hidzqTenant}}"}
            test:
              method: GET
              url: "http://127.0.0.1:9/t/{{hidzqTenant}}"
              expectStatus: 200
          - key: service
            label: Census client credentials
            oauth2:
              grant: client_credentials
              pkce: none
              clientAuth: body
              labels: {clientId: Hidzq Client, clientSecret: Hidzq Client Secret}
            fields:
              - {key: tokenUrl, label: Token URL, type: url, required: true, default: "http://127.0.0.1:9/token"}
              - {key: scopes, label: Scopes, type: string, default: "read"}
              - {key: clientId, label: Client ID, type: string, required: true}
              - {key: clientSecret, label: Client Secret, type: password, required: true}
            test: {method: GET, url: "http://127.0.0.1:9/me", headers: {Authorization: "Bearer {{access_token}}"}, expectStatus: 200}
        ---
        integration: wcensus-sync
        name: Wizard census sync
        configVariables:
          - key: basic
            component: wcensus
            connection: basic
            fields:
              hidzqTenant: {default: "\(hiddenTenant)", customerVisible: false}
          - key: service
            component: wcensus
            connection: service
            fields:
              clientId: {default: "\(hiddenClientID)", customerVisible: false}
              clientSecret: {default: "\(clientSecret)", customerVisible: false}
        steps:
          - {key: fetch, component: wcensus, action: fetch, connection: basic}
          - {key: token, component: wcensus, action: token, connection: service}

        """

    enum Audience: String, Sendable {
        case team, customer

        /// The team must see no secret without Ctrl-R; a customer no secret, no hidden value
        /// or name, nothing of another customer.
        func forbids(_ plant: Plant) -> Bool {
            switch self {
            case .team: plant.valueClass == .secret
            case .customer: true
            }
        }

        var options: [String] { self == .customer ? ["--role", "customer", "--customer", "acme"] : [] }
    }

    enum ValueClass: String, Sendable {
        case secret
        case hidden
        case otherCustomer = "other customer's"
    }

    struct Plant: Sendable {
        let name: String
        let value: String
        let valueClass: ValueClass
    }

    /// Searched case-insensitively, so `hidzq` also catches `Hidzq …` labels.
    static let plants: [Plant] = [
        Plant(name: "stored password", value: password, valueClass: .secret),
        Plant(name: "template over the password", value: "tpls-" + password, valueClass: .secret),
        Plant(name: "OAuth client secret (hidden default)", value: clientSecret, valueClass: .secret),
        Plant(name: "step stderr line quoting the password", value: "rejected " + password, valueClass: .secret),
        Plant(name: "hidden field value", value: hiddenTenant, valueClass: .hidden),
        Plant(name: "template over the hidden field", value: "tplh-" + hiddenTenant, valueClass: .hidden),
        Plant(name: "test request URL over the hidden field", value: "/t/" + hiddenTenant, valueClass: .hidden),
        Plant(name: "step stderr line quoting the hidden field", value: "for " + hiddenTenant, valueClass: .hidden),
        Plant(name: "hidden OAuth client ID (default)", value: hiddenClientID, valueClass: .hidden),
        Plant(name: "hidden field key hidzqTenant", value: "hidzqTenant", valueClass: .hidden),
        Plant(name: "hidden field key hidzqTemplate", value: "hidzqTemplate", valueClass: .hidden),
        Plant(name: "hidden field label Hidzq Tenant", value: "Hidzq Tenant", valueClass: .hidden),
        Plant(name: "hidden field label Hidzq Template", value: "Hidzq Template", valueClass: .hidden),
        Plant(name: "hidden OAuth label Hidzq Client", value: "Hidzq Client", valueClass: .hidden),
        Plant(name: "hidden OAuth label Hidzq Client Secret", value: "Hidzq Client Secret", valueClass: .hidden),
        Plant(name: "hidden marker hidzq (any key or label)", value: "hidzq", valueClass: .hidden),
        Plant(name: "hidden OAuth field key clientId", value: "clientId", valueClass: .hidden),
        Plant(name: "hidden OAuth field key clientSecret", value: "clientSecret", valueClass: .hidden),
        Plant(name: "another customer", value: otherCustomer, valueClass: .otherCustomer),
    ]

    /// Imported, deployed for acme and the other customer, username and password set.
    static func prepared(_ name: String) async throws -> Sandbox {
        let sandbox = try Sandbox(name)
        guard FileManager.default.isExecutableFile(atPath: sandbox.binary) else {
            sandbox.remove()
            throw EndToEndError("no switchboard binary at \(sandbox.binary): run `swift build` first (or set SWITCHBOARD_BIN)")
        }
        do {
            let path = sandbox.directory + "/wcensus.yaml"
            try fixture.write(toFile: path, atomically: true, encoding: .utf8)
            try await sandbox.ok("import", path)
            try await sandbox.ok("deploy", integration, "--customer", "acme")
            try await sandbox.ok("deploy", integration, "--customer", otherCustomer)
            try await sandbox.ok("configure", instance, "--set", "basic.username=\(publicUser)")
            try await sandbox.succeeds(["configure", instance, "--set-secret", "basic.password"], stdin: password)
        } catch {
            sandbox.remove()
            throw error
        }
        return sandbox
    }

    // MARK: - 1. The census

    @Test("wizard census: no screen a customer can reach shows a secret, a hidden value or name, or another customer; no team screen shows a secret without Ctrl-R")
    func wizardCensus() async throws {
        let sandbox = try await Self.prepared("wcensus")
        defer { sandbox.remove() }
        // A reason and a log line quoting the password and the hidden value (team role: run
        // hands the step its connection), then test results (the last one is the reason).
        let ran = try await sandbox.cli(["run", Self.instance, "fetch", "--", "sh", "-c", "echo \"$1\" >&2; exit 78", "sh", Self.stepLine])
        #expect(ran.status == 78, "the step's exit 78 marks the connection error: \(ran.stderr)")
        // Log lines about hidden fields (their keys and labels), written by the team.
        try await sandbox.ok("configure", Self.instance, "--set", "basic.hidzqTenant=\(Self.hiddenTenant)")
        try await sandbox.succeeds(["configure", Self.instance, "--set-secret", "service.clientSecret"], stdin: Self.clientSecret)
        for _ in 0..<4 {
            for variable in ["basic", "service"] {
                let tested = try await sandbox.cli(["test", Self.instance, variable])
                #expect(tested.status != 0, "the test against 127.0.0.1:9 fails: \(tested.stdout)")
            }
        }
        let variables = try await sandbox.variables(Self.instance)
        #expect(variables == ["basic", "service"])

        let census = ScreenCensus(plants: Self.plants)

        // The customer: both sizes, then the other customer's instance by name.
        let customer = try await TmuxSession.start(sandbox.wizardCommand(Audience.customer.options), in: sandbox)
        do {
            var walk = Walk(tmux: customer, census: census, audience: .customer, size: "100x30")
            try await walk.everyScreen(variables: variables)
            try await customer.resize(width: 60, height: 16)
            walk.size = "60x16"
            try await walk.step("home at 60x16", until: { Screen.isHome($0) && Screen.fits($0, width: 60) })
            try await walk.everyScreen(variables: variables)
            try await walk.step("quit", keys: ["q"], until: { _ in customer.exitStatus() != nil }, allowExit: true)
            #expect(try await customer.waitForExit() == 0, "the customer's wizard quits cleanly")
            try await customer.resize(width: 100, height: 30)
            try await walk.otherCustomersInstanceByName(sandbox)
        } catch {
            await customer.kill()
            throw error
        }
        await customer.kill()

        // The team: every screen without Ctrl-R, then Ctrl-R once as the control.
        let team = try await TmuxSession.start(sandbox.wizardCommand(), in: sandbox)
        do {
            var walk = Walk(tmux: team, census: census, audience: .team, size: "100x30")
            try await walk.everyScreen(variables: variables)
            try await team.resize(width: 60, height: 16)
            walk.size = "60x16"
            try await walk.step("home at 60x16", until: { Screen.isHome($0) && Screen.fits($0, width: 60) })
            try await walk.everyScreen(variables: variables)
            try await team.resize(width: 100, height: 30)
            walk.size = "100x30"
            try await walk.revealControl()
            // Ended and waited for, so nothing writes to the sandbox while it is removed.
            let pid = try await team.commandPID()
            #expect(kill(pid, SIGTERM) == 0)
            _ = try await team.waitForExit()
        } catch {
            await team.kill()
            throw error
        }
        await team.kill()

        // Controls: the public value is on both audiences' screens, and the hidden values and
        // names the customer must not see are on the team's.
        #expect(census.seen[.customer]?.contains(Self.publicUser) == true, "control: the customer's screens show the public value")
        let teamSaw = census.seen[.team] ?? []
        for value in [Self.publicUser, Self.hiddenTenant, "tplh-" + Self.hiddenTenant, "/t/" + Self.hiddenTenant, Self.hiddenClientID,
                      "Hidzq Tenant", "Hidzq Template", "Hidzq Client", "Hidzq Client Secret", Self.otherCustomer] {
            #expect(teamSaw.contains(value), "control: the team's screens show \(value), so a customer's screen could too")
        }
        let unseen = Self.plants.filter { !teamSaw.contains($0.value) }.map(\.name)
        print("wizard census: values on no team screen (nothing for the customer search to find there either): \(unseen.isEmpty ? "none" : unseen.joined(separator: ", "))")
        census.report()
    }

    // MARK: - 2. Terminal safety

    /// Each payload on its own, for the inputs that must refuse it.
    static let payloads: [(name: String, text: String)] = [
        ("OSC 0 title (ESC ] 0 ; pwn BEL)", "\u{1B}]0;pwn\u{07}"),
        ("CSI clear screen (ESC [ 2 J)", "\u{1B}[2Jzap"),
        ("C1 CSI (U+009B)", "\u{9B}31m"),
        ("DEL", "\u{7F}"),
        ("bidi override (U+202E)", "\u{202E}rtl"),
    ]
    /// All of them in one line: what a hostile step writes, what an argument carries.
    static let hostileLine = "bad \u{1B}]0;pwn\u{07} a \u{1B}[2Jzap b \u{9B}c d \u{7F} e \u{202E}rtl line"
    static let hostileName = "x\u{1B}]0;pwn\u{07}\u{1B}[2Jzap\u{9B}c\u{7F}\u{202E}rtl"
    /// What a visible rendering leaves of the planted sequences once their ESC is gone: on
    /// screen these must follow a visible `\e`.
    static let remainders = ["]0;pwn", "[2Jzap"]

    @Test("terminal safety: control characters planted through every input that takes them come out escaped in every listing, both roles, text and --json, and in the wizard; inputs that must refuse them do")
    func terminalSafety() async throws {
        let sandbox = try await Self.prepared("wcsafe")
        defer { sandbox.remove() }
        let safety = SafetyCensus()

        // Inputs that must refuse them (and change nothing).
        for (name, payload) in Self.payloads {
            try await safety.refused("configure --set of a string value with \(name)", sandbox,
                                     ["configure", Self.instance, "--set", "basic.username=ok\(payload)"])
            try await safety.refused("configure --set of a text value with \(name)", sandbox,
                                     ["configure", Self.instance, "--set", "basic.notes=ok\(payload)"])
            try await safety.refused("configure --set-secret with \(name)", sandbox,
                                     ["configure", Self.instance, "--set-secret", "basic.password"], stdin: "pw\(payload)")
            try await safety.refused("deploy --name with \(name)", sandbox,
                                     ["deploy", Self.integration, "--customer", "acme", "--name", "acme/n\(payload)"])
            try await safety.refused("deploy --customer with \(name)", sandbox,
                                     ["deploy", Self.integration, "--customer", "c\(payload)"])
        }
        for (name, payload) in [("newline", "\n"), ("tab", "\t")] {
            try await safety.refused("configure --set of a string value with a \(name)", sandbox,
                                     ["configure", Self.instance, "--set", "basic.username=ok\(payload)x"])
            try await safety.refused("deploy --name with a \(name)", sandbox,
                                     ["deploy", Self.integration, "--customer", "acme", "--name", "acme/n\(payload)x"])
        }
        // Nothing changed.
        let values = try await sandbox.values(Self.instance, "basic")
        #expect(values["username"] == Self.publicUser && values["password"] == Self.password && values["notes"] == nil,
                "refused inputs changed nothing: \(values)")
        // Definitions: every label-like text, each with every payload (and labels with a
        // newline or a tab: labels are one line).
        var definitionCases: [(what: String, payload: (name: String, text: String))] = []
        for place in DefinitionPlace.allCases {
            for payload in Self.payloads { definitionCases.append((place.rawValue, payload)) }
        }
        for place in [DefinitionPlace.componentLabel, .connectionLabel, .fieldLabel, .integrationName] {
            for payload in [(name: "newline", text: "\n"), (name: "tab", text: "\t")] { definitionCases.append((place.rawValue, payload)) }
        }
        // Controls: the same definitions, commands and values without the payloads go through,
        // so a refusal above is the payload's doing.
        for (index, place) in DefinitionPlace.allCases.enumerated() {
            let path = sandbox.directory + "/plain-\(index).yaml"
            try place.definition(key: "wcplain\(index)", text: "plain text").write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await sandbox.cli(["import", path])
            #expect(result.status == 0, "control: the definition with plain text in its \(place.rawValue) imports: \(visible(result.stderr))")
        }
        try await sandbox.ok("configure", Self.instance, "--set", "basic.username=\(Self.publicUser)")
        try await sandbox.ok("configure", Self.instance, "--set", "basic.notes=text keeps\na newline\tand a tab")
        try await sandbox.ok("configure", Self.instance, "--unset", "basic.notes")
        try await sandbox.succeeds(["configure", Self.instance, "--set-secret", "basic.password"], stdin: Self.password)
        try await sandbox.ok("deploy", Self.integration, "--customer", "acme", "--name", "acme/plain-name")
        try await sandbox.ok("deploy", Self.integration, "--customer", "plain-customer")

        var acceptedChoice = false
        for (index, entry) in definitionCases.enumerated() {
            let place = DefinitionPlace(rawValue: entry.what)!
            let path = sandbox.directory + "/evil-\(index).yaml"
            try place.definition(key: "wcevil\(index)", text: "v\(entry.payload.text)w").write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await safety.refused("import of a definition with \(entry.payload.name) in its \(place.rawValue)", sandbox, ["import", path])
            if result.status == 0 && place == .choice && !acceptedChoice {
                // Accepted: deploy it so the wizard shows it below.
                acceptedChoice = true
                try await sandbox.ok("deploy", "wcevil\(index)-sync", "--customer", "acme", "--name", "acme/wcevil-choice")
            }
        }

        // Inputs that take them, echoed back in errors: file paths, instance references,
        // connection and field names, filters, integration names. Both roles.
        let files = sandbox.directory + "/files"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        let malformed = files + "/" + Self.hostileName + ".yaml"
        guard FileManager.default.createFile(atPath: malformed, contents: Data("component: [\n".utf8)) else {
            throw EndToEndError("cannot write a file named with control characters")
        }
        let echoing: [[String]] = [
            ["import", files + "/missing-" + Self.hostileName + ".yaml"],
            ["import", malformed],
            ["import", malformed, "--json"],
            ["show", "acme/" + Self.hostileName, "basic"],
            ["show", Self.instance, Self.hostileName],
            ["show", Self.instance, Self.hostileName, "--json"],
            ["status", Self.hostileName],
            ["status", Self.hostileName, "--json"],
            ["logs", Self.hostileName],
            ["logs", Self.instance, Self.hostileName],
            ["test", Self.instance, Self.hostileName],
            ["connect", "acme/" + Self.hostileName, "service"],
            ["configure", Self.instance, "--set", "basic.\(Self.hostileName)=1"],
            ["configure", Self.hostileName, "--set", "basic.username=x"],
            ["instances", "--filter", Self.hostileName],
            ["instances", "--filter", Self.hostileName, "--json"],
            ["deploy", Self.hostileName, "--customer", "acme"],
            ["refresh", Self.instance, Self.hostileName],
        ]
        for arguments in echoing {
            for audience in [Audience.team, .customer] {
                let result = try await sandbox.cli(arguments + audience.options)
                safety.checkOutput("`\(visible(arguments.joined(separator: " ")))` [\(audience.rawValue)]", result,
                                   json: arguments.contains("--json"))
            }
        }

        // The input that takes them from outside: a step's stderr (the reason, a log line).
        // Its own stderr passes through `run` untouched (it is the child's), so only what
        // switchboard stored is checked, below.
        let ran = try await sandbox.cli(["run", Self.instance, "fetch", "--", "sh", "-c", "printf '%s\\n' \"$1\" >&2; exit 78", "sh", Self.hostileLine])
        #expect(ran.status == 78, "the step's exit 78 stores its last stderr line as the reason: \(visible(ran.stderr))")

        // Every listing, both roles, text and --json.
        let listings: [[String]] = [
            ["status"], ["status", Self.instance], ["show", Self.instance, "basic"], ["show", Self.instance, "service"],
            ["logs", Self.instance], ["logs", Self.instance, "basic"], ["instances"], ["catalog"], ["integrations"],
        ]
        for arguments in listings {
            for audience in [Audience.team, .customer] {
                for json in [false, true] {
                    let result = try await sandbox.cli(arguments + (json ? ["--json"] : []) + audience.options)
                    #expect(result.status == 0, "`\(arguments.joined(separator: " "))` [\(audience.rawValue)] succeeds: \(visible(result.stderr))")
                    safety.checkOutput("`\(arguments.joined(separator: " "))\(json ? " --json" : "")` [\(audience.rawValue)]", result, json: json)
                    // Controls: the planted line reaches the listings that carry it.
                    if arguments == ["logs", Self.instance, "basic"] || (json && arguments == ["status", Self.instance]) {
                        if json {
                            #expect(result.stdout.contains("\\u001b]0;pwn\\u0007") || result.stdout.contains("\\u001B]0;pwn\\u0007"),
                                    "control: `\(arguments.joined(separator: " ")) --json` [\(audience.rawValue)] carries the planted line as \\u escapes: \(visible(result.stdout.suffix(400)))")
                        } else {
                            #expect(result.stdout.contains("\\e]0;pwn"),
                                    "control: `\(arguments.joined(separator: " "))` [\(audience.rawValue)] shows the planted line escaped: \(visible(result.stdout.suffix(400)))")
                        }
                    }
                }
            }
        }

        // The wizard, both roles, its raw output recorded by script(1).
        for audience in [Audience.team, .customer] {
            try await safety.wizard(sandbox, audience: audience, alsoOpen: acceptedChoice ? ["acme/wcevil-choice"] : [])
        }

        safety.report()
    }
}

// MARK: - Screens

private enum Screen {
    static func rows(_ screen: String) -> [Substring] {
        screen.split(separator: "\n", omittingEmptySubsequences: false)
    }

    static func isHome(_ screen: String) -> Bool {
        screen.contains("Switchboard · instances") && screen.contains("q quit")
    }

    static func isSteps(_ screen: String, _ instance: String) -> Bool {
        screen.contains("Switchboard · \(instance)") && screen.contains("↑↓ connection")
    }

    static func isSelected(_ screen: String, _ variable: String) -> Bool {
        rows(screen).contains { $0.hasPrefix(" ▸ \(variable)") } && screen.contains("· \(variable)") && !screen.contains("Loading")
    }

    static func isForm(_ screen: String) -> Bool { screen.contains("Tab next") }

    static func hasLog(_ screen: String) -> Bool { screen.contains("── Log ·") }

    static func fits(_ screen: String, width: Int) -> Bool {
        rows(screen).allSatisfy { $0.count <= width }
    }

    /// A field other than `field` has the focus. A capture taken while the wizard redraws
    /// can show no focus mark at all (the old row rewritten, the new one not yet): that is
    /// no move, or the census pressed Tab again and went past the field it was after.
    static func hasFocus(_ screen: String, otherThan field: String?) -> Bool {
        guard let focused = focusedField(screen) else { return false }
        return focused != field
    }

    /// The label of the focused form field (the text after `│ ▸ `).
    static func focusedField(_ screen: String) -> String? {
        for row in rows(screen) {
            if let range = row.range(of: "│ ▸ ") {
                return row[range.upperBound...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The log pane's rows (between its title and the message and help lines).
    static func logPane(_ screen: String) -> [Substring] {
        let lines = rows(screen)
        guard let title = lines.firstIndex(where: { $0.contains("── Log ·") }),
              let help = lines.lastIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
              help - 1 > title + 1 else { return [] }
        return Array(lines[(title + 1)..<(help - 1)])
    }
}

// MARK: - The census driver

/// Searches every capture for every value its audience must not see and keeps the findings
/// (one per audience and value, with every step where it showed).
private final class ScreenCensus {
    typealias Audience = WizardCensusTests.Audience
    let plants: [WizardCensusTests.Plant]
    private(set) var captures = 0
    private(set) var checks = 0
    private var leaks: [String: (first: String, steps: [String])] = [:]
    private var leakOrder: [String] = []
    private var notes: [String] = []

    init(plants: [WizardCensusTests.Plant]) { self.plants = plants }

    /// Values each audience did see (the controls: the searches can find what is there).
    private(set) var seen: [Audience: Set<String>] = [:]

    func check(_ screen: String, audience: Audience, step: String, size: String, echoes: [String] = []) {
        captures += 1
        for plant in plants where screen.range(of: plant.value, options: .caseInsensitive) != nil {
            seen[audience, default: []].insert(plant.value)
        }
        if screen.contains(WizardCensusTests.publicUser) { seen[audience, default: []].insert(WizardCensusTests.publicUser) }
        let text = echoes.reduce(screen) { $0.replacingOccurrences(of: $1, with: "<typed>") }
        for plant in plants where audience.forbids(plant) {
            checks += 1
            guard let range = text.range(of: plant.value, options: .caseInsensitive) else { continue }
            let key = "[\(audience.rawValue)] the \(plant.valueClass.rawValue) \(plant.name) (\(plant.value))"
            let place = "\(size) \(step)"
            if leaks[key] == nil {
                leaks[key] = ("\(place): …\(excerpt(text, around: range))…", [])
                leakOrder.append(key)
            }
            if leaks[key]?.steps.last != place { leaks[key]?.steps.append(place) }
        }
    }

    func note(_ text: String) { notes.append(text) }

    func report() {
        let values = plants.count
        print("wizard census: \(captures) captures × \(values) values (\(checks) checks: the customer every value, the team the "
              + "\(plants.filter { $0.valueClass == .secret }.count) secrets); \(leakOrder.count) leaks")
        for key in leakOrder {
            guard let leak = leaks[key] else { continue }
            let sizes = Dictionary(grouping: leak.steps) { String($0.prefix { $0 != " " }) }
                .sorted { $0.key > $1.key }
                .map { size, steps in "\(size): \(steps.count) steps (\(steps.prefix(6).map { $0.dropFirst(size.count + 1) }.joined(separator: "; "))\(steps.count > 6 ? "; …" : ""))" }
                .joined(separator: " | ")
            Issue.record("LEAK \(key) on screen — first at \(leak.first) — \(sizes)")
        }
        for note in notes { Issue.record(Comment(rawValue: note)) }
    }
}

/// One role's walk through the wizard in one tmux session: every key is followed by a poll
/// for the screen it leads to, and every capture on the way is searched.
private struct Walk {
    let tmux: TmuxSession
    let census: ScreenCensus
    let audience: WizardCensusTests.Audience
    var size: String

    var instance: String { WizardCensusTests.instance }

    @discardableResult
    func step(_ name: String, keys: [String] = [], typing: String? = nil, echoes: [String] = [],
              until condition: (String) -> Bool, allowExit: Bool = false) async throws -> String {
        if !keys.isEmpty { try await tmux.tmux(["send-keys", "-t", "w"] + keys) }
        if let typing { try await tmux.type(typing) }
        return try await EndToEnd.poll("\(name) [\(audience.rawValue) \(size)]") {
            let screen = try await tmux.capture()
            census.check(screen, audience: audience, step: name, size: size, echoes: echoes)
            if condition(screen) { return (screen, screen) }
            if !allowExit, tmux.exitStatus() != nil {
                throw EndToEndError("the wizard ended during \(name) [\(audience.rawValue) \(size)]; screen:\n\(screen)")
            }
            return (nil, screen)
        }
    }

    /// Home (refresh, filter, a filter for the other customer), the instance (every
    /// connection: Ctrl-R, its form field by field, Tab into it, test, connect, the log pane
    /// toggled and scrolled), the deploy dialog; back home.
    func everyScreen(variables: [String]) async throws {
        let customer = audience == .customer
        try await step("home", until: { Screen.isHome($0) && $0.contains(instance) })
        try await step("home, r refresh", keys: ["r"], until: { Screen.isHome($0) && $0.contains(instance) })
        // A filter for the other customer: a customer gets nothing, the team its instance.
        try await step("home, / filter for the other customer", keys: ["/"], until: { $0.contains("Filter:") && $0.contains("Enter done") })
        try await step("home, other customer's filter typed", typing: "glob", until: { screen in
            screen.contains("Filter: glob") && (customer ? screen.contains("No instance matches") : screen.contains(WizardCensusTests.otherCustomer))
        })
        try await step("home, other customer's filter applied", keys: ["Enter"], until: { $0.contains("Filter: glob") && Screen.isHome($0) })
        try await step("home, other customer's filter cleared", keys: ["Escape"], until: { screen in
            screen.contains("/ to filter") && Screen.isHome(screen) && screen.contains(instance)
        })
        if !customer {
            // Control: the other customer's instance is really there, so the search can see it.
            let home = try await step("home (team lists every customer)", until: { Screen.isHome($0) })
            #expect(home.contains(WizardCensusTests.otherCustomer), "control: the team's home lists the other customer's instance:\n\(home)")
        }
        try await openInstance(first: variables[0])
        for (index, variable) in variables.enumerated() {
            if index > 0 {
                try await step("\(variable): selected", keys: ["Down"], until: { Screen.isSteps($0, instance) && Screen.isSelected($0, variable) })
            }
            if customer {
                try await step("\(variable): Ctrl-R on the steps", keys: ["C-r"], until: { Screen.isSteps($0, instance) && Screen.isSelected($0, variable) })
            }
            try await everyField(variable)
            try await step("\(variable): back from the form", keys: ["Escape"], until: { Screen.isSteps($0, instance) && !Screen.isForm($0) })
            try await step("\(variable): Tab into the form", keys: ["Tab"], until: { Screen.isForm($0) })
            try await step("\(variable): back again", keys: ["Escape"], until: { Screen.isSteps($0, instance) && !Screen.isForm($0) })
            try await step("\(variable): t test", keys: ["t"], until: { Screen.isSteps($0, instance) && $0.contains("Test of \(variable)") })
            let steps = try await step("\(variable): steps after the test", until: { Screen.isSteps($0, instance) })
            if steps.contains("c connect") {
                try await step("\(variable): c connect (fails against 127.0.0.1:9)", keys: ["c"], until: { screen in
                    screen.contains("CONNECT failed") && screen.contains("c try again")
                })
                try await step("\(variable): back from CONNECT", keys: ["Escape"], until: { Screen.isSteps($0, instance) && Screen.isSelected($0, variable) })
            } else {
                try await step("\(variable): c (no OAuth)", keys: ["c"], until: { $0.contains("needs no CONNECT") })
            }
            try await step("\(variable): l hides the log", keys: ["l"], until: { Screen.isSteps($0, instance) && !Screen.hasLog($0) })
            try await step("\(variable): l shows the log", keys: ["l"], until: { Screen.isSteps($0, instance) && Screen.hasLog($0) })
            try await step("\(variable): PgUp scrolls the log", keys: ["PPage"], until: { $0.contains("newer below") })
            // PgUp to the oldest entry (the deploy), every page captured.
            _ = try await EndToEnd.poll("the log scrolled up to its oldest entry [\(audience.rawValue) \(size)]") {
                let screen = try await tmux.capture()
                census.check(screen, audience: audience, step: "\(variable): PgUp to the oldest", size: size)
                if Screen.hasLog(screen) && Screen.logPane(screen).contains(where: { $0.contains("Deployed") }) { return (true, screen) }
                try await tmux.press("PPage")
                return (nil, screen)
            }
            try await step("\(variable): PgDn", keys: ["NPage"], until: { _ in true })
            _ = try await EndToEnd.poll("the log scrolled back to the newest [\(audience.rawValue) \(size)]") {
                let screen = try await tmux.capture()
                census.check(screen, audience: audience, step: "\(variable): PgDn to the newest", size: size)
                if Screen.hasLog(screen) && !screen.contains("newer below") { return (true, screen) }
                try await tmux.press("NPage")
                return (nil, screen)
            }
        }
        try await step("Esc back home", keys: ["Escape"], until: { Screen.isHome($0) })
        try await step("home, filter cleared", keys: ["Escape"], until: { Screen.isHome($0) && $0.contains("/ to filter") })
        try await step("n deploy dialog", keys: ["n"], until: { $0.contains("deploy a new instance") && $0.contains("Pick the integration") })
        let picked = try await step("deploy dialog, integration picked", keys: ["Enter"], until: { screen in
            screen.contains("already exists") || screen.contains("Customer:")
        })
        if customer {
            #expect(picked.contains("already exists") && !picked.contains("Customer:"),
                    "a customer deploys only for itself (no customer to pick):\n\(picked)")
        }
        if picked.contains("Customer:") {
            try await step("deploy dialog, Esc back to the integrations", keys: ["Escape"], until: { screen in
                screen.contains("Pick the integration") && !screen.contains("Customer:")
            })
        }
        try await step("deploy dialog, Esc back home", keys: ["Escape"], until: { Screen.isHome($0) })
    }

    /// Home, the filter `acme/wcen` typed and applied, the instance opened.
    func openInstance(first variable: String) async throws {
        try await step("home, / filter", keys: ["/"], until: { $0.contains("Filter:") && $0.contains("Enter done") })
        try await step("home, filter typed", typing: "acme/wcen", until: { $0.contains("Filter: acme/wcen") && $0.contains(instance) })
        try await step("home, filter applied", keys: ["Enter"], until: { $0.contains("Filter: acme/wcen") && Screen.isHome($0) })
        try await step("open the instance", keys: ["Enter"], until: { Screen.isSteps($0, instance) && Screen.isSelected($0, variable) })
    }

    /// The connection's form: Enter, then Tab field by field past the last one. A customer
    /// tries Ctrl-R on every secret field.
    func everyField(_ variable: String) async throws {
        var screen = try await step("\(variable): Enter the form", keys: ["Enter"], until: { Screen.isForm($0) && Screen.focusedField($0) != nil })
        var seen: [String] = []
        for tab in 1...16 {
            let focused = Screen.focusedField(screen) ?? ""
            if audience == .customer && focused.hasPrefix("Password") {
                screen = try await step("\(variable): Ctrl-R on \(focused)", keys: ["C-r"], until: { $0.contains("never shown in customer role") })
            }
            if screen.contains("Last field") || seen.contains(focused) { break }
            seen.append(focused)
            screen = try await step("\(variable): form, Tab \(tab)", keys: ["Tab"], until: { screen in
                Screen.isForm(screen) && (Screen.hasFocus(screen, otherThan: focused) || screen.contains("Last field"))
            })
        }
        #expect(screen.contains("Last field"), "Tab reached the last field of \(variable) [\(audience.rawValue) \(size)]:\n\(screen)")
    }

    /// A customer naming the other customer's instance gets what a name that does not exist
    /// gets; the typed name is blanked before the search (echoing it is no leak).
    func otherCustomersInstanceByName(_ sandbox: Sandbox) async throws {
        var outcomes: [(status: Int32, line: String)] = []
        for name in [WizardCensusTests.otherInstance, "nosuchq9/wcensus-sync"] {
            try await tmux.tmux(["clear-history", "-t", "w"])
            try await tmux.respawn(sandbox.wizardCommand(["configure", name] + audience.options))
            let status = try await tmux.waitForExit()
            // The message scrolls into the history when the pane ends: read that too.
            let screen = try await EndToEnd.poll("the message of configure \(name) [\(audience.rawValue)]") {
                let screen = try await tmux.capture(joiningWrappedLines: true)
                census.check(screen, audience: audience, step: "configure \(name) by name", size: size, echoes: [name])
                return (screen.contains("switchboard:") ? screen : nil, screen)
            }
            let line = Screen.rows(screen).last { $0.contains("switchboard:") }.map(String.init) ?? ""
            outcomes.append((status, line.replacingOccurrences(of: name, with: "NAME").trimmingCharacters(in: .whitespaces)))
        }
        #expect(outcomes[0].status != 0, "a customer cannot open the other customer's instance by name")
        #expect(outcomes[0].status == outcomes[1].status && outcomes[0].line == outcomes[1].line,
                "the other customer's instance reads as one that does not exist: \(outcomes)")
    }

    /// The team's Ctrl-R on the password shows it: the census can see a secret on screen.
    func revealControl() async throws {
        try await step("home (control)", until: { Screen.isHome($0) && $0.contains(instance) && $0.contains("/ to filter") })
        try await openInstance(first: "basic")
        var screen = try await step("basic: Enter the form (control)", keys: ["Enter"], until: { Screen.isForm($0) && Screen.focusedField($0) != nil })
        for _ in 0..<8 where !(Screen.focusedField(screen) ?? "").hasPrefix("Password") {
            let focused = Screen.focusedField(screen)
            screen = try await step("basic: Tab to the password (control)", keys: ["Tab"], until: { Screen.hasFocus($0, otherThan: focused) || $0.contains("Last field") })
        }
        try await tmux.press("C-r")
        let revealed = try await EndToEnd.poll("Ctrl-R to reveal the password (team, control)") {
            let screen = try await tmux.capture()
            return (screen.contains(WizardCensusTests.password) ? screen : nil, screen)
        }
        #expect(revealed.contains(WizardCensusTests.password), "control: the team's Ctrl-R reveals the password")
    }
}

private extension Sandbox {
    /// Runs a command that must succeed, with `stdin`.
    func succeeds(_ arguments: [String], stdin: String) async throws {
        let result = try await cli(arguments, stdin: stdin)
        guard result.status == 0 else {
            throw EndToEndError("switchboard \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
    }
}

// MARK: - Terminal safety

/// Where a definition can carry text that reaches a terminal.
private enum DefinitionPlace: String, CaseIterable {
    case componentLabel = "component label"
    case connectionLabel = "connection label"
    case fieldLabel = "field label"
    case placeholder = "field placeholder"
    case example = "field example"
    case comments = "field comments (help text)"
    case choice = "picklist choice"
    case choiceLabel = "picklist choice label"
    case integrationName = "integration name"

    /// A component and an integration named `key` with `text` (YAML-escaped) in this place.
    func definition(key: String, text: String) -> String {
        let quoted = yamlQuoted(text)
        func at(_ place: DefinitionPlace, _ fallback: String) -> String { self == place ? quoted : fallback }
        return """
            component: \(key)
            label: \(at(.componentLabel, "Evil component"))
            actions: [fetch]
            connections:
              - key: basic
                label: \(at(.connectionLabel, "Evil connection"))
                fields:
                  - {key: u, label: \(at(.fieldLabel, "U")), type: string, placeholder: \(at(.placeholder, "p")), example: \(at(.example, "e")), comments: \(at(.comments, "c"))}
                  - {key: pick, label: Pick, type: picklist, choices: [\(at(.choice, "one")), {value: two, label: \(at(.choiceLabel, "Two"))}]}
            ---
            integration: \(key)-sync
            name: \(at(.integrationName, "Evil sync"))
            configVariables:
              - {key: basic, component: \(key), connection: basic}
            steps:
              - {key: fetch, component: \(key), action: fetch, connection: basic}

            """
    }
}

/// A YAML double-quoted scalar: control characters as YAML escapes.
private func yamlQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{1B}": out += "\\e"
        case "\u{07}": out += "\\a"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if isTerminalControl(scalar) {
                out += "\\u" + String(format: "%04X", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// C0, DEL, C1 and the bidi controls (as the product's TerminalText classifies them).
private func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: true
    case 0x200E, 0x200F, 0x061C: true
    case 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
}

/// `text` with control characters written visibly, the way the product does (`\e`,
/// `\u{…}`): for the tests' own messages and for what a correct screen shows.
private func visible<S: StringProtocol>(_ text: S) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        guard isTerminalControl(scalar) else { out.unicodeScalars.append(scalar); continue }
        switch scalar {
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\u{1B}": out += "\\e"
        default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }
    return out
}

private func excerpt(_ text: String, around range: Range<String.Index>) -> String {
    let start = text.index(range.lowerBound, offsetBy: -50, limitedBy: text.startIndex) ?? text.startIndex
    let end = text.index(range.upperBound, offsetBy: 50, limitedBy: text.endIndex) ?? text.endIndex
    return visible(text[start..<end]).replacingOccurrences(of: "\\n", with: "⏎")
}

private func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

/// Plants, runs and searches for terminal safety, and keeps the findings.
private final class SafetyCensus {
    typealias Audience = WizardCensusTests.Audience
    private(set) var outputs = 0
    private(set) var captures = 0
    private(set) var refusals = 0
    private(set) var rawBytes = 0
    private var findings: [String] = []

    /// A command that must be refused (non-zero), its output checked like any other.
    @discardableResult
    func refused(_ what: String, _ sandbox: Sandbox, _ arguments: [String], stdin: String? = nil) async throws -> CommandResult {
        refusals += 1
        let result = try await sandbox.cli(arguments, stdin: stdin)
        if result.status == 0 {
            findings.append("ACCEPTED \(what): `switchboard \(visible(arguments.joined(separator: " ")))` exited 0 (\(visible(result.stdout.prefix(200))))")
        }
        checkOutput(what, result, json: false)
        return result
    }

    /// No raw control character but `\n` on stdout or stderr; `--json` output parses; the
    /// visible remainder of a planted sequence always follows a visible `\e`.
    func checkOutput(_ label: String, _ result: CommandResult, json: Bool) {
        for (sink, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            outputs += 1
            if let bad = firstControl(in: text, allowing: ["\n"]) {
                findings.append("RAW \(label) \(sink) writes a raw \(bad)")
            }
            if let bare = unescapedRemainder(in: text, json: json && sink == "stdout") {
                findings.append("STRIPPED \(label) \(sink) shows \(bare)")
            }
        }
        if json && result.status == 0,
           (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) == nil {
            findings.append("JSON \(label) stdout is not JSON: \(visible(result.stdout.prefix(200)))")
        }
    }

    func firstControl(in text: String, allowing allowed: Set<Unicode.Scalar>) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard let index = scalars.firstIndex(where: { isTerminalControl($0) && !allowed.contains($0) }) else { return nil }
        let around = String(String.UnicodeScalarView(scalars[max(0, index - 40)..<min(scalars.count, index + 40)]))
        return String(format: "U+%04X", scalars[index].value) + " (…\(visible(around))…)"
    }

    /// `]0;pwn` or `[2Jzap` not right after a visible `\e`: the ESC was dropped (or went to
    /// the terminal) instead of being shown.
    func unescapedRemainder(in text: String, json: Bool = false) -> String? {
        for remainder in WizardCensusTests.remainders {
            var searchFrom = text.startIndex
            while let range = text.range(of: remainder, range: searchFrom..<text.endIndex) {
                let before = text[..<range.lowerBound].lowercased()
                if !(before.hasSuffix("\\e") || (json && before.hasSuffix("\\u001b"))) {
                    return "\"\(remainder)\" without a visible \\e before it: …\(excerpt(text, around: range))…"
                }
                searchFrom = range.upperBound
            }
        }
        return nil
    }

    /// The wizard in tmux under script(1), which records every byte it writes: home, the
    /// instance (the planted reason in the header, the planted line in the log pane), every
    /// field of every form, a small size, back home, quit. Every capture has no raw control
    /// character, every planted remainder follows a visible `\e`; the pane's title was not
    /// set; the raw output holds none of the planted sequences.
    func wizard(_ sandbox: Sandbox, audience: Audience, alsoOpen: [String]) async throws {
        let raw = sandbox.directory + "/wizard-\(audience.rawValue).typescript"
        let inner = sandbox.wizardCommand(audience.options).map(shellQuoted).joined(separator: " ")
        let tmux = try await TmuxSession.start(["/usr/bin/script", "-q", "-e", "-f", "-c", inner, raw], in: sandbox)
        var sawEscapedLine = false
        do {
            try await tmux.tmux(["select-pane", "-t", "w", "-T", "wc-title"])
            let instance = WizardCensusTests.instance
            func step(_ name: String, keys: [String] = [], until condition: (String) -> Bool) async throws -> String {
                if !keys.isEmpty { try await tmux.tmux(["send-keys", "-t", "w"] + keys) }
                return try await EndToEnd.poll("\(name) [\(audience.rawValue), terminal safety]") {
                    let screen = try await tmux.capture()
                    check(screen, "\(name) [\(audience.rawValue)]")
                    if screen.contains("\\e]0;pwn") { sawEscapedLine = true }
                    if condition(screen) { return (screen, screen) }
                    if tmux.exitStatus() != nil { throw EndToEndError("the wizard ended during \(name); screen:\n\(screen)") }
                    return (nil, screen)
                }
            }
            func everyForm(of instance: String, variables: [String]) async throws {
                for (index, variable) in variables.enumerated() {
                    let screen = try await step("\(instance) \(variable) selected", keys: index > 0 ? ["Down"] : [], until: { screen in
                        Screen.isSteps(screen, instance) && Screen.isSelected(screen, variable)
                    })
                    if variable == "basic" && instance == WizardCensusTests.instance {
                        checkLogPane(screen, "\(instance) basic log pane [\(audience.rawValue)]")
                    }
                    var form = try await step("\(instance) \(variable) form", keys: ["Enter"], until: { Screen.isForm($0) && Screen.focusedField($0) != nil })
                    var seen: [String] = []
                    for _ in 0..<16 {
                        let focused = Screen.focusedField(form) ?? ""
                        if form.contains("Last field") || seen.contains(focused) { break }
                        seen.append(focused)
                        form = try await step("\(instance) \(variable) form, Tab", keys: ["Tab"], until: { screen in
                            Screen.isForm(screen) && (Screen.hasFocus(screen, otherThan: focused) || screen.contains("Last field"))
                        })
                    }
                    _ = try await step("\(instance) \(variable) back", keys: ["Escape"], until: { Screen.isSteps($0, instance) && !Screen.isForm($0) })
                }
            }

            /// Home, filtered down to `name`, opened.
            func open(_ name: String) async throws {
                _ = try await step("home", until: { Screen.isHome($0) && $0.contains("/ to filter") })
                _ = try await step("filter for \(name)", keys: ["/"], until: { $0.contains("Enter done") })
                try await tmux.type(name)
                _ = try await step("filter typed", until: { $0.contains("Filter: \(name)") })
                _ = try await step("filter applied", keys: ["Enter"], until: { Screen.isHome($0) && $0.contains(name) })
                _ = try await step("open \(name)", keys: ["Enter"], until: { screen in
                    Screen.isSteps(screen, name) && Screen.isSelected(screen, "basic") && Screen.hasLog(screen)
                })
            }
            try await open(instance)
            try await everyForm(of: instance, variables: try await sandbox.variables(instance))
            try await tmux.resize(width: 60, height: 16)
            _ = try await step("\(instance) at 60x16", keys: ["Up"], until: { Screen.fits($0, width: 60) && Screen.isSelected($0, "basic") })
            try await tmux.resize(width: 100, height: 30)
            _ = try await step("\(instance) back at 100x30", until: { !Screen.fits($0, width: 60) && Screen.isSelected($0, "basic") })
            _ = try await step("back home", keys: ["Escape"], until: { Screen.isHome($0) })
            _ = try await step("filter cleared", keys: ["Escape"], until: { Screen.isHome($0) && $0.contains("/ to filter") })
            for other in alsoOpen {
                try await open(other)
                try await everyForm(of: other, variables: try await sandbox.variables(other))
                _ = try await step("back home", keys: ["Escape"], until: { Screen.isHome($0) })
                _ = try await step("filter cleared", keys: ["Escape"], until: { Screen.isHome($0) && $0.contains("/ to filter") })
            }
            let title = try await tmux.tmux(["display-message", "-p", "-t", "w", "#{pane_title}"])
            if title.contains("pwn") {
                findings.append("TITLE the wizard [\(audience.rawValue)] set the terminal's title to \(visible(title.trimmingCharacters(in: .newlines))) (a raw OSC reached the terminal)")
            }
            try await tmux.press("q")
            #expect(try await tmux.waitForExit() == 0, "the wizard [\(audience.rawValue)] quits cleanly under script(1)")
        } catch {
            await tmux.kill()
            throw error
        }
        await tmux.kill()
        #expect(sawEscapedLine, "control: the wizard [\(audience.rawValue)] showed the planted line escaped (\\e]0;pwn)")
        checkRaw(raw, audience: audience)
    }

    func check(_ screen: String, _ label: String) {
        captures += 1
        if let bad = firstControl(in: screen, allowing: ["\n"]) {
            record("SCREEN \(label) shows a raw \(bad)")
        }
        if let bare = unescapedRemainder(in: screen) {
            record("SCREEN \(label) shows \(bare)")
        }
    }

    /// The planted line, escaped, is all there in the log pane (wrapped, not cut short).
    func checkLogPane(_ screen: String, _ label: String) {
        let pane = Screen.logPane(screen).map { $0.filter { !$0.isWhitespace } }.joined()
        let expected = visible(WizardCensusTests.hostileLine).filter { !$0.isWhitespace }
        if !pane.contains(expected) {
            record("WRAP \(label): the planted line, escaped, is not all in the log pane (characters lost where it wraps): expected "
                   + "«\(visible(WizardCensusTests.hostileLine))», the pane shows:\n\(Screen.logPane(screen).joined(separator: "\n"))")
        }
    }

    /// Findings on screens repeat on every capture: each once.
    private func record(_ finding: String) {
        let key = finding.prefix(120)
        if !findings.contains(where: { $0.hasPrefix(key) }) { findings.append(finding) }
    }

    /// The bytes the wizard wrote: none of the planted sequences raw (the terminal's own
    /// control sequences are curses' business).
    func checkRaw(_ path: String, audience: Audience) {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            findings.append("NOT EXERCISED script(1) recorded nothing of the wizard [\(audience.rawValue)] at \(path)")
            return
        }
        rawBytes += data.count
        let planted: [(String, [UInt8])] = [
            ("ESC ] 0 ; pwn (OSC title)", [0x1B] + Array("]0;pwn".utf8)),
            ("ESC [ 2 J zap (clear screen)", [0x1B] + Array("[2Jzap".utf8)),
            ("U+009B (C1 CSI, UTF-8 C2 9B)", [0xC2, 0x9B]),
            ("DEL (0x7F)", [0x7F]),
            ("U+202E (bidi override)", [0xE2, 0x80, 0xAE]),
        ]
        for (name, bytes) in planted where data.range(of: Data(bytes)) != nil {
            findings.append("RAW the wizard [\(audience.rawValue)] wrote \(name) to the terminal")
        }
    }

    func report() {
        print("terminal safety: \(refusals) inputs that must refuse, \(outputs) outputs (stdout/stderr), \(captures) wizard captures and \(rawBytes) raw bytes the wizard wrote checked; \(findings.count) findings")
        for finding in findings { Issue.record(Comment(rawValue: finding)) }
    }
}
