import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardCore

/// The secret census (SPEC §5, §12): a kitchen-sink definition plants a distinctive value in
/// every kind of field (a typed secret, secret defaults in the component and the integration,
/// OAuth client secrets, a hidden value, a hidden client ID, hidden keys and labels, a
/// template over a secret and one over a hidden field, a test request whose URL and headers
/// read both, a step's stderr line that quotes both). Every command in `table` then runs in
/// both roles, with and without `--json`, and every stdout and stderr is searched for every
/// value its audience must not see; afterwards every database file (main, -wal, -shm) is
/// searched for every secret and every file left in the temp, home, config and data
/// directories for every value that is not public.
///
/// A new command joins the census by getting an entry in `table`;
/// `tableCoversEveryCommand` fails while the binary has a (sub)command the table lacks, so
/// a command cannot ship untested.
@Suite("CLI: secret census")
struct SecretCensusTests {
    // MARK: - What is planted

    enum ValueClass: String, Sendable {
        case secret
        case hidden
        case otherCustomer = "other customer"
    }

    struct Plant: Sendable, Hashable {
        /// What the value is, as findings name it.
        let name: String
        /// The distinctive text searched for.
        let value: String
        let valueClass: ValueClass
    }

    static let storedSecret = "CENSUS-SECRET-STORED-2d4e"
    static let hiddenSecretDefault = "CENSUS-SECRET-DEFAULT-7f3a"
    static let componentSecretDefault = "CENSUS-SECRET-COMPONENT-8a9b"
    static let serviceClientSecret = "CENSUS-SECRET-CCCLIENT-4b8d"
    static let browserClientSecret = "CENSUS-SECRET-ACCLIENT-6d1e"
    static let hiddenValue = "CENSUS-HIDDEN-VALUE-91bc"
    static let hiddenClientID = "CENSUS-HIDDEN-CLIENTID-3c7a"
    /// Every hidden field key starts with this, every hidden label with `hiddenLabelMarker`.
    static let hiddenKeyMarker = "hidzq"
    static let hiddenLabelMarker = "CENSUS-HIDDEN-LABEL"
    /// A public value: the controls check that it does show, so the searches can find things.
    static let publicValue = "CENSUS-PUBLIC-VALUE-5a5a"
    static let otherCustomer = "globex8e2f"

    static let plants: [Plant] = [
        Plant(name: "stored secret (configure --set-secret)", value: storedSecret, valueClass: .secret),
        Plant(name: "secret default of a hidden password field (integration)", value: hiddenSecretDefault, valueClass: .secret),
        Plant(name: "secret default in the component definition", value: componentSecretDefault, valueClass: .secret),
        Plant(name: "OAuth client secret (client_credentials, integration default)", value: serviceClientSecret, valueClass: .secret),
        Plant(name: "OAuth client secret (authorization_code, component default)", value: browserClientSecret, valueClass: .secret),
        Plant(name: "template over a secret", value: "tpls-" + storedSecret, valueClass: .secret),
        Plant(name: "test request URL over a secret", value: "/p-" + storedSecret, valueClass: .secret),
        Plant(name: "test request header over a secret", value: "Bearer " + hiddenSecretDefault, valueClass: .secret),
        Plant(name: "step stderr line over a secret", value: "rejected " + storedSecret, valueClass: .secret),
        Plant(name: "hidden field value", value: hiddenValue, valueClass: .hidden),
        Plant(name: "hidden OAuth client ID", value: hiddenClientID, valueClass: .hidden),
        Plant(name: "hidden field key", value: hiddenKeyMarker, valueClass: .hidden),
        Plant(name: "hidden field label", value: hiddenLabelMarker, valueClass: .hidden),
        Plant(name: "template over a hidden field", value: "tplh-" + hiddenValue, valueClass: .hidden),
        Plant(name: "test request URL over a hidden field", value: "/u-" + hiddenValue, valueClass: .hidden),
        Plant(name: "test request header over a hidden field", value: "hdr-" + hiddenValue, valueClass: .hidden),
        Plant(name: "step stderr line over a hidden field", value: "for " + hiddenValue, valueClass: .hidden),
        Plant(name: "another customer's instance", value: otherCustomer, valueClass: .otherCustomer),
    ]


    static let fixtureName = "census.yaml"

    /// The kitchen sink: a basic connection with every field kind, a client-credentials and
    /// an authorization-code connection with hidden client credentials. Every URL points at
    /// 127.0.0.1:9 (discard, closed), so tests, token requests and revocations fail at once.
    static let fixture = """
        component: census
        label: Census kitchen sink
        actions: [fetch, token, authorize]
        connections:
          - key: basic
            label: Census basic
            fields:
              - {key: host, label: Host URL, type: url, required: true, default: "http://127.0.0.1:9"}
              - {key: username, label: Census user, type: string, required: true}
              - {key: password, label: Password, type: password, required: true}
              - {key: notes, label: Notes, type: text}
              - {key: \(hiddenKeyMarker)Value, label: \(hiddenLabelMarker)-VALUE, type: string, required: true}
              - {key: \(hiddenKeyMarker)Secret, label: \(hiddenLabelMarker)-SECRET, type: password, required: true, default: "\(componentSecretDefault)"}
              - {key: secretTemplate, label: Template over the password, type: template, default: "tpls-{{password}}"}
              - {key: \(hiddenKeyMarker)Template, label: \(hiddenLabelMarker)-TEMPLATE, type: template, default: "tplh-{{\(hiddenKeyMarker)Value}}"}
            test:
              method: GET
              url: "{{host}}/u-{{\(hiddenKeyMarker)Value}}/p-{{password}}"
              headers: {Authorization: "Bearer {{\(hiddenKeyMarker)Secret}}", X-Census: "hdr-{{\(hiddenKeyMarker)Value}}"}
              expectStatus: 200
          - key: service
            label: Census client credentials
            oauth2:
              grant: client_credentials
              pkce: none
              clientAuth: body
              labels: {clientId: \(hiddenLabelMarker)-CLIENTID, clientSecret: \(hiddenLabelMarker)-CLIENTSECRET}
            fields:
              - {key: tokenUrl, label: Token URL, type: url, required: true, default: "http://127.0.0.1:9/token"}
              - {key: scopes, label: Scopes, type: string, default: "read"}
              - {key: clientId, label: Client ID, type: string, required: true}
              - {key: clientSecret, label: Client Secret, type: password, required: true}
            test: {method: GET, url: "http://127.0.0.1:9/me", headers: {Authorization: "Bearer {{access_token}}"}, expectStatus: 200}
          - key: browser
            label: Census authorization code
            oauth2:
              grant: authorization_code
              pkce: S256
              clientAuth: basic
              labels: {clientSecret: \(hiddenLabelMarker)-BROWSERSECRET}
            fields:
              - {key: authorizeUrl, label: Authorize URL, type: url, required: true, default: "http://127.0.0.1:9/authorize"}
              - {key: tokenUrl, label: Token URL, type: url, required: true, default: "http://127.0.0.1:9/token"}
              - {key: revokeUrl, label: Revoke URL, type: url, default: "http://127.0.0.1:9/revoke"}
              - {key: scopes, label: Scopes, type: string, default: "read"}
              - {key: clientId, label: Client ID, type: string, required: true, default: census-public-client}
              - {key: clientSecret, label: Client Secret, type: password, required: true, default: "\(browserClientSecret)"}
            test: {method: GET, url: "http://127.0.0.1:9/me", headers: {Authorization: "Bearer {{access_token}}"}, expectStatus: 200}
        ---
        integration: census-sync
        name: Census sync
        configVariables:
          - key: basic
            component: census
            connection: basic
            fields:
              \(hiddenKeyMarker)Value: {default: "\(hiddenValue)", customerVisible: false}
              \(hiddenKeyMarker)Secret: {default: "\(hiddenSecretDefault)", customerVisible: false}
          - key: service
            component: census
            connection: service
            fields:
              clientId: {default: "\(hiddenClientID)", customerVisible: false}
              clientSecret: {default: "\(serviceClientSecret)", customerVisible: false}
          - key: browser
            component: census
            connection: browser
            fields:
              clientSecret: {customerVisible: false}
        steps:
          - {key: fetch, component: census, action: fetch, connection: basic}
          - {key: token, component: census, action: token, connection: service}
          - {key: authorize, component: census, action: authorize, connection: browser}

        """

    /// A step that reads the password and the hidden value from its connection file, quotes
    /// both in its last stderr line and exits 78: the line becomes the connection's reason.
    static let stepScript = #"f="$SWITCHBOARD_CONNECTION_FILE"; p=$(tr '\n' ' ' < "$f" | sed -n 's/.*"password" *: *"\([^"]*\)".*/\1/p'); h=$(tr '\n' ' ' < "$f" | sed -n 's/.*"\#(hiddenKeyMarker)Value" *: *"\([^"]*\)".*/\1/p'); cat > /dev/null; echo "rejected $p for $h" >&2; exit 78"#

    static let instance = "acme/census-sync"
    static let otherInstance = "\(otherCustomer)/census-sync"

    // MARK: - The table

    enum Audience: String, CaseIterable, Sendable {
        case team, customer

        /// What this audience must never see (SPEC §12): the team no secret, a customer no
        /// secret, no hidden value or name and nothing of another customer.
        func forbids(_ plant: Plant) -> Bool {
            switch self {
            case .team: plant.valueClass == .secret
            case .customer: true
            }
        }
    }

    enum Expect: Sendable, CustomStringConvertible {
        /// Exit 0.
        case succeeds
        /// Exit 5: not allowed in this role.
        case refused
        /// Allowed, but fails in the census's world (closed ports, no terminal, no tokens):
        /// non-zero and not 5.
        case fails
        /// Any non-zero exit.
        case failsAny
        case exit(Int32)
        /// The outcome is not the census's business; only the output is.
        case any

        func admits(_ status: Int32) -> Bool {
            switch self {
            case .succeeds: status == 0
            case .refused: status == 5
            case .fails: status != 0 && status != 5
            case .failsAny: status != 0
            case .exit(let code): status == code
            case .any: true
            }
        }

        var description: String {
            switch self {
            case .succeeds: "success (exit 0)"
            case .refused: "refusal (exit 5)"
            case .fails: "an ordinary failure (non-zero, not 5)"
            case .failsAny: "a failure (non-zero)"
            case .exit(let code): "exit \(code)"
            case .any: "anything"
            }
        }
    }

    /// A customer's attempt on a hidden name must read exactly like the same attempt on a
    /// name that does not exist: anything else tells them the hidden field is there.
    struct Probe: Sendable {
        /// The hidden name as the call (and its error) spells it, e.g. `hidzqValue`.
        let hidden: String
        /// The same with a name that does not exist.
        let bogus: String
    }

    /// One run in one role. Role options (and `--json`) are added by the census.
    struct Call: Sendable {
        var arguments: [String]
        var expect: Expect
        var stdin: String?
        /// Arguments after `--`.
        var trailing: [String]?
        /// Text the caller typed itself (a hidden key it guessed, another customer's instance
        /// name): blanked out of the output before the search, since echoing it is no leak.
        var echoes: [String] = []
        var probe: Probe?
    }

    struct Invocation: Sendable {
        var team: Call
        var customer: Call
        /// `show --reveal`: the team may see secrets.
        var revealsSecretsToTeam = false
        /// `run`: in team role stdout and stderr are the step's own (it was handed the
        /// connection), so only what switchboard stores is searched.
        var childOutputInTeamRole = false
        /// A server: started, stopped with SIGTERM once it listens (or once it exits).
        var serves = false

        /// The same arguments in both roles; `@V` is replaced by the variant (role and output
        /// form) where a name must be unique per run.
        init(_ arguments: [String], team: Expect, customer: Expect, stdin: String? = nil, trailing: [String]? = nil,
             customerEchoes: [String] = [], probe: Probe? = nil,
             revealsSecretsToTeam: Bool = false, childOutputInTeamRole: Bool = false, serves: Bool = false) {
            self.team = Call(arguments: arguments, expect: team, stdin: stdin, trailing: trailing)
            self.customer = Call(arguments: arguments, expect: customer, stdin: stdin, trailing: trailing,
                                 echoes: customerEchoes, probe: probe)
            self.revealsSecretsToTeam = revealsSecretsToTeam
            self.childOutputInTeamRole = childOutputInTeamRole
            self.serves = serves
        }

        init(team: Call, customer: Call) {
            self.team = team
            self.customer = customer
        }
    }

    struct CensusCommand: Sendable {
        /// The (sub)command path as the binary names it (`show`, `help`, `db copy`).
        let name: String
        /// Whether it takes `--json`; each invocation then runs with and without it.
        let json: Bool
        let invocations: [Invocation]
    }

    static let hiddenKeyProbe = Probe(hidden: "\(hiddenKeyMarker)Value", bogus: "noSuchFieldKey")
    static let hiddenSecretProbe = Probe(hidden: "\(hiddenKeyMarker)Secret", bogus: "noSuchFieldKey")

    /// Every command, in the order the census runs them (later commands read what earlier
    /// ones left: reasons, logs, tokens that were not stored).
    static let table: [CensusCommand] = [
        CensusCommand(name: "import", json: true, invocations: [
            Invocation(["import", fixtureName], team: .succeeds, customer: .refused),
        ]),
        CensusCommand(name: "catalog", json: true, invocations: [
            Invocation(["catalog"], team: .succeeds, customer: .any),
        ]),
        CensusCommand(name: "integrations", json: true, invocations: [
            Invocation(["integrations"], team: .succeeds, customer: .any),
        ]),
        CensusCommand(name: "deploy", json: true, invocations: [
            // A customer may deploy for itself (Store.deploy allows it); the spec is silent.
            Invocation(["deploy", "census-sync", "--customer", "acme", "--name", "acme/extra-@V"], team: .succeeds, customer: .any),
            Invocation(["deploy", "--upgrade", instance], team: .succeeds, customer: .any),
        ]),
        CensusCommand(name: "instances", json: true, invocations: [
            Invocation(["instances"], team: .succeeds, customer: .succeeds),
            Invocation(["instances", "--filter", "census"], team: .succeeds, customer: .succeeds),
        ]),
        CensusCommand(name: "configure", json: true, invocations: [
            Invocation(["configure", instance, "--set", "basic.username=\(publicValue)"], team: .succeeds, customer: .succeeds),
            Invocation(["configure", instance, "--set-secret", "basic.password"], team: .succeeds, customer: .succeeds, stdin: storedSecret),
            Invocation(["configure", instance, "--unset", "basic.notes"], team: .succeeds, customer: .succeeds),
            Invocation(team: Call(arguments: ["configure", instance, "--set", "basic.\(hiddenKeyMarker)Value=\(hiddenValue)"], expect: .succeeds),
                       customer: Call(arguments: ["configure", instance, "--set", "basic.\(hiddenKeyMarker)Value=customer-attempt"], expect: .failsAny,
                                      echoes: [hiddenKeyProbe.hidden], probe: hiddenKeyProbe)),
            Invocation(["configure", instance, "--unset", "basic.\(hiddenKeyMarker)Value"], team: .succeeds, customer: .failsAny,
                       customerEchoes: [hiddenKeyProbe.hidden], probe: hiddenKeyProbe),
            Invocation(team: Call(arguments: ["configure", instance, "--set-secret", "basic.\(hiddenKeyMarker)Secret"], expect: .succeeds, stdin: hiddenSecretDefault),
                       customer: Call(arguments: ["configure", instance, "--set-secret", "basic.\(hiddenKeyMarker)Secret"], expect: .failsAny,
                                      stdin: "customer-attempt", echoes: [hiddenSecretProbe.hidden], probe: hiddenSecretProbe)),
            // Without --set: the wizard, which needs a terminal the census does not have.
            Invocation(["configure", instance], team: .fails, customer: .fails),
        ]),
        CensusCommand(name: "run", json: false, invocations: [
            Invocation(["run", instance, "fetch"], team: .exit(78), customer: .refused, trailing: ["sh", "-c", stepScript],
                       childOutputInTeamRole: true),
        ]),
        CensusCommand(name: "test", json: true, invocations: [
            Invocation(["test", instance, "basic"], team: .fails, customer: .fails),
            Invocation(["test", instance, "service"], team: .fails, customer: .fails),
        ]),
        CensusCommand(name: "connect", json: true, invocations: [
            Invocation(["connect", instance, "service"], team: .fails, customer: .fails),
            // Prints the authorize URL, finds stdin closed, times out after a second.
            Invocation(["connect", instance, "browser", "--paste", "--timeout", "1"], team: .fails, customer: .fails),
        ]),
        CensusCommand(name: "disconnect", json: true, invocations: [
            Invocation(["disconnect", instance, "service"], team: .succeeds, customer: .succeeds),
            Invocation(["disconnect", instance, "browser"], team: .succeeds, customer: .succeeds),
        ]),
        CensusCommand(name: "refresh", json: true, invocations: [
            Invocation(["refresh", "--force"], team: .succeeds, customer: .any),
            Invocation(["refresh", instance, "service", "--force"], team: .succeeds, customer: .any),
        ]),
        CensusCommand(name: "show", json: true, invocations: [
            Invocation(["show", instance, "basic"], team: .succeeds, customer: .succeeds),
            Invocation(["show", instance, "service"], team: .succeeds, customer: .succeeds),
            Invocation(["show", instance, "browser"], team: .succeeds, customer: .succeeds),
            Invocation(["show", instance, "basic", "--reveal"], team: .succeeds, customer: .refused, revealsSecretsToTeam: true),
            Invocation(["show", instance, "service", "--reveal"], team: .succeeds, customer: .refused, revealsSecretsToTeam: true),
            Invocation(["show", otherInstance, "basic"], team: .succeeds, customer: .failsAny, customerEchoes: [otherInstance]),
        ]),
        CensusCommand(name: "status", json: true, invocations: [
            Invocation(["status"], team: .succeeds, customer: .succeeds),
            Invocation(["status", instance], team: .succeeds, customer: .succeeds),
            Invocation(["status", otherInstance], team: .succeeds, customer: .failsAny, customerEchoes: [otherInstance]),
        ]),
        CensusCommand(name: "logs", json: true, invocations: [
            Invocation(["logs", instance, "--limit", "10000"], team: .succeeds, customer: .succeeds),
            Invocation(["logs", instance, "basic"], team: .succeeds, customer: .succeeds),
            Invocation(["logs", instance, "service"], team: .succeeds, customer: .succeeds),
            Invocation(["logs", instance, "browser"], team: .succeeds, customer: .succeeds),
            Invocation(["logs", otherInstance], team: .succeeds, customer: .failsAny, customerEchoes: [otherInstance]),
        ]),
        CensusCommand(name: "events", json: true, invocations: [
            // After run, test, connect and refresh: reasons quote the step's stderr and the
            // provider's answers (secrets and hidden values planted in both).
            Invocation(["events"], team: .succeeds, customer: .succeeds),
            Invocation(["events", instance, "basic", "--since", "0"], team: .succeeds, customer: .succeeds),
            Invocation(["events", instance, "service"], team: .succeeds, customer: .succeeds),
            Invocation(["events", otherInstance], team: .succeeds, customer: .failsAny, customerEchoes: [otherInstance]),
        ]),
        CensusCommand(name: "db", json: false, invocations: [
            // The group alone lists its subcommands; it takes no role options.
            Invocation(["db"], team: .succeeds, customer: .any),
        ]),
        CensusCommand(name: "db migrate", json: true, invocations: [
            Invocation(["db", "migrate"], team: .succeeds, customer: .refused),
        ]),
        CensusCommand(name: "db copy", json: true, invocations: [
            // The whole store into a new file: what it prints is table names and counts;
            // secrets stay sealed in the copy. `@DB` is the census's store, `@DIR` its sandbox.
            Invocation(["db", "copy", "@DB", "@DIR/copies/copy-@V.sqlite"], team: .succeeds, customer: .refused),
        ]),
        CensusCommand(name: "callback-server", json: false, invocations: [
            Invocation(["callback-server", "--listen", "127.0.0.1:0"], team: .succeeds, customer: .refused, serves: true),
        ]),
        CensusCommand(name: "wizard", json: false, invocations: [
            // No subcommand: what the SSH forced command runs. Without a terminal both roles
            // get a pointer to the scriptable commands.
            Invocation([], team: .fails, customer: .fails),
            Invocation(["wizard"], team: .fails, customer: .fails),
        ]),
        CensusCommand(name: "help", json: false, invocations: [
            // `help` takes no role options: in customer role it is a usage error.
            Invocation(["help"], team: .succeeds, customer: .any),
            Invocation(["help", "show"], team: .succeeds, customer: .any),
            Invocation(["--help"], team: .succeeds, customer: .any),
            Invocation(["show", "--help"], team: .succeeds, customer: .any),
        ]),
    ]

    // MARK: - The census

    @Test("secret census: no command, in either role, with or without --json, shows its audience a value it must not see; no secret in the database files or left-over files")
    func census() async throws {
        let sb = try CLISandbox()
        let census = try Census(sandbox: sb)
        try sb.write(Self.fixtureName, Self.fixture)

        // Setup, searched like everything else.
        let imported = try await census.drive(Call(arguments: ["import", Self.fixtureName], expect: .succeeds), audience: .team, label: "setup")
        try #require(imported.status == 0, "the census fixture must import: \(imported)")
        // Hold the database open as a second session would, so the WAL stays on disk.
        let holder = try AppDatabase.open(path: sb.databasePath)
        for customer in ["acme", Self.otherCustomer] {
            let deployed = try await census.drive(Call(arguments: ["deploy", "census-sync", "--customer", customer], expect: .succeeds), audience: .team, label: "setup")
            try #require(deployed.status == 0, "\(deployed)")
        }
        try await census.drive(Call(arguments: ["configure", Self.instance, "--set", "basic.username=\(Self.publicValue)"], expect: .succeeds), audience: .team, label: "setup")
        try await census.drive(Call(arguments: ["configure", Self.instance, "--set-secret", "basic.password"], expect: .succeeds, stdin: Self.storedSecret), audience: .team, label: "setup")

        for command in Self.table {
            for invocation in command.invocations {
                for json in command.json ? [false, true] : [false] {
                    for audience in Audience.allCases {
                        try await census.drive(invocation, audience: audience, json: json, label: command.name)
                    }
                }
            }
        }

        // Controls: the planted values are really there and the searches can see them.
        let revealed = try await sb.run(["show", Self.instance, "basic", "--reveal"])
        #expect(revealed.stdout.contains(Self.storedSecret), "control: show --reveal gives the team the stored secret: \(revealed)")
        let shown = try await sb.run(["show", Self.instance, "basic"])
        #expect(shown.stdout.contains(Self.publicValue), "control: the public value shows: \(shown)")
        #expect(shown.stdout.contains(Self.hiddenValue), "control: the team sees the hidden value: \(shown)")
        let logged = try await sb.run(["logs", Self.instance, "basic", "--limit", "10000"])
        #expect(logged.stdout.contains("for " + Self.hiddenValue), "control: the step read its connection and its stderr line became the reason: \(logged)")
        let evented = try await sb.run(["events", Self.instance, "basic"])
        #expect(evented.stdout.contains("for " + Self.hiddenValue), "control: the step's stderr line is an event's reason, so the events runs had something to leak: \(evented)")

        census.searchDatabase()
        census.searchLeftOverFiles()
        withExtendedLifetime(holder) {}

        census.report(commands: Self.table.count)
    }

    // MARK: - Coverage

    @Test("the census table lists every (sub)command of the binary, with --json exactly where it takes it, and --reveal where it has it")
    func tableCoversEveryCommand() async throws {
        let sb = try CLISandbox()
        let dump = try await sb.run(["--experimental-dump-help"])
        #expect(dump.status == 0, "\(dump)")
        let root = try dump.json()
        let command = try #require(root["command"] as? [String: Any])
        let commands = Self.subcommands(of: command, prefix: [])
        #expect(commands.count >= 15, "the binary lists its subcommands: \(commands.keys.sorted())")

        let table = Dictionary(Self.table.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(table.count == Self.table.count, "each command has one entry in the census table")
        for (name, options) in commands.sorted(by: { $0.key < $1.key }) {
            guard let entry = table[name] else {
                Issue.record("`switchboard \(name)` is not in the secret census: add it to SecretCensusTests.table (its runs in both roles, what each role may do)")
                continue
            }
            #expect(entry.json == options.contains("json"), "census entry \(name): json is \(entry.json), but the command \(options.contains("json") ? "takes" : "does not take") --json")
            if options.contains("reveal") {
                let exercised = entry.invocations.contains { $0.team.arguments.contains("--reveal") && $0.customer.arguments.contains("--reveal") }
                #expect(exercised, "census entry \(name): the command has --reveal, so the census must run it with --reveal in both roles")
            }
            #expect(!entry.invocations.isEmpty, "census entry \(name) runs nothing")
        }
        for name in table.keys.sorted() where commands[name] == nil {
            Issue.record("the census table lists `\(name)`, which the binary does not have")
        }
    }

    /// Command paths ("show", "db copy") and the long option names each takes.
    static func subcommands(of node: [String: Any], prefix: [String]) -> [String: Set<String>] {
        var found: [String: Set<String>] = [:]
        for sub in node["subcommands"] as? [[String: Any]] ?? [] {
            guard let name = sub["commandName"] as? String else { continue }
            let path = prefix + [name]
            let arguments = sub["arguments"] as? [[String: Any]] ?? []
            let longNames = arguments.flatMap { argument in
                (argument["names"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String == "long" ? $0["name"] as? String : nil }
            }
            found[path.joined(separator: " ")] = Set(longNames)
            found.merge(subcommands(of: sub, prefix: path)) { first, _ in first }
        }
        return found
    }
}

// MARK: - The census driver

/// Runs calls, searches their output and the files they leave, and keeps the findings.
private final class Census {
    typealias Audience = SecretCensusTests.Audience
    typealias Call = SecretCensusTests.Call

    let sandbox: CLISandbox
    /// The product's TMPDIR: separate from the sandbox's own `tmp`, where the test harness
    /// keeps every run's stdin, stdout and stderr.
    let productTemp: String
    private(set) var checks = 0
    private(set) var runs = 0
    private var leaks: [String] = []
    private var outcomes: [String] = []
    private var unexercised: [String] = []

    init(sandbox: CLISandbox) throws {
        self.sandbox = sandbox
        productTemp = sandbox.directory + "/product-tmp"
        try FileManager.default.createDirectory(atPath: productTemp, withIntermediateDirectories: true)
    }

    func drive(_ invocation: SecretCensusTests.Invocation, audience: Audience, json: Bool, label: String) async throws {
        let call = audience == .team ? invocation.team : invocation.customer
        let result = try await run(call, audience: audience, json: json, serves: invocation.serves)
        if invocation.serves, audience == .team, !result.stdout.contains("Listening on") {
            unexercised.append("`\(Self.shown(result.arguments))` [team] never said it was listening: \(result.errorLine)")
        }
        let revealed = audience == .team && invocation.revealsSecretsToTeam
        let passedThrough = audience == .team && invocation.childOutputInTeamRole
        check(result, call: call, audience: audience, label: label, searchOutput: !passedThrough, revealed: revealed)
        if let probe = call.probe {
            try await compare(result, probe: probe, call: call, json: json, label: label)
        }
    }

    @discardableResult
    func drive(_ call: Call, audience: Audience, label: String) async throws -> CLIResult {
        let result = try await run(call, audience: audience, json: false, serves: false)
        check(result, call: call, audience: audience, label: label, searchOutput: true, revealed: false)
        return result
    }

    private func argv(_ call: Call, audience: Audience, json: Bool) -> [String] {
        let tag = "\(audience.rawValue)-\(json ? "json" : "text")"
        var argv = call.arguments.map {
            $0.replacingOccurrences(of: "@V", with: tag).replacingOccurrences(of: "@DB", with: sandbox.databasePath)
                .replacingOccurrences(of: "@DIR", with: sandbox.directory)
        }
        if json { argv.append("--json") }
        if audience == .customer {
            argv += ["--role", "customer"]
            if !call.arguments.contains("--customer") { argv += ["--customer", "acme"] }
        }
        if let trailing = call.trailing { argv += ["--"] + trailing }
        return argv
    }

    private func run(_ call: Call, audience: Audience, json: Bool, serves: Bool) async throws -> CLIResult {
        runs += 1
        let arguments = argv(call, audience: audience, json: json)
        guard serves else {
            return try await sandbox.run(arguments, stdin: call.stdin, environment: ["TMPDIR": productTemp])
        }
        return try await sandbox.serveBriefly(arguments, environment: ["TMPDIR": productTemp])
    }

    private func check(_ result: CLIResult, call: Call, audience: Audience, label: String, searchOutput: Bool, revealed: Bool) {
        let command = "`\(Self.shown(result.arguments))` [\(audience.rawValue)]"
        if !call.expect.admits(result.status) {
            outcomes.append("\(label): \(command) should end in \(call.expect), got exit \(result.status): \(result.errorLine.prefix(300))")
        }
        guard searchOutput else { return }
        let forbidden = SecretCensusTests.plants.filter { audience.forbids($0) && !(revealed && $0.valueClass == .secret) }
        let blank = { (text: String) in call.echoes.reduce(text) { $0.replacingOccurrences(of: $1, with: "<typed>") } }
        for (sink, text) in [("stdout", blank(result.stdout)), ("stderr", blank(result.stderr))] {
            for plant in forbidden {
                checks += 1
                if let range = text.range(of: plant.value) {
                    leaks.append("\(label): \(command) \(sink) shows the \(plant.valueClass.rawValue) \(plant.name) (\(plant.value)): …\(Self.excerpt(text, around: range))…")
                }
            }
        }
    }

    /// The customer's attempt on a hidden name against the same attempt on a bogus name.
    private func compare(_ result: CLIResult, probe: SecretCensusTests.Probe, call: Call, json: Bool, label: String) async throws {
        var bogusCall = call
        bogusCall.arguments = call.arguments.map { $0.replacingOccurrences(of: probe.hidden, with: probe.bogus) }
        let bogus = try await run(bogusCall, audience: .customer, json: json, serves: false)
        checks += 1
        let normalized = { (text: String) in text.replacingOccurrences(of: probe.hidden, with: probe.bogus) }
        if bogus.status != result.status || normalized(result.stdout) != bogus.stdout || normalized(result.stderr) != bogus.stderr {
            leaks.append("\(label): `\(Self.shown(result.arguments))` [customer] tells a hidden field from an unknown one "
                         + "(hidden field key \(probe.hidden)): exit \(result.status) «\(result.errorLine.prefix(200))» "
                         + "vs exit \(bogus.status) «\(bogus.errorLine.prefix(200))» for \(probe.bogus)")
        }
    }

    /// Every file of the database (main, -wal, -shm, anything else beside them) for every secret.
    func searchDatabase() {
        if TestDatabase.isPostgres { return searchPostgresDump() }
        let directory = (sandbox.databasePath as NSString).deletingLastPathComponent
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        let base = (sandbox.databasePath as NSString).lastPathComponent
        for required in [base, base + "-wal"] where !files.contains(required) {
            unexercised.append("database file \(required) was not on disk to search (files: \(files))")
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: directory + "/" + file) else { continue }
            for plant in SecretCensusTests.plants where plant.valueClass == .secret {
                checks += 1
                if data.range(of: Data(plant.value.utf8)) != nil {
                    leaks.append("database: \(file) holds the \(plant.name) (\(plant.value)) in plain text")
                }
            }
        }
        let bytes = sandbox.databaseBytes()
        #expect(bytes.range(of: Data(SecretCensusTests.publicValue.utf8)) != nil, "control: the public value is visible in the raw database files")
    }

    /// On PostgreSQL: everything stored, as `pg_dump --data-only` writes it, for every secret.
    func searchPostgresDump() {
        guard let dump = try? TestDatabase.rawContents(of: sandbox.databasePath), !dump.isEmpty else {
            unexercised.append("pg_dump of \(sandbox.databasePath) gave nothing to search")
            return
        }
        for plant in SecretCensusTests.plants where plant.valueClass == .secret {
            checks += 1
            if dump.contains(plant.value) {
                leaks.append("database: pg_dump holds the \(plant.name) (\(plant.value)) in plain text")
            }
        }
    }

    /// Files left in the product's TMPDIR, HOME, XDG config and data directories and its
    /// working directory (bar the fixture), for every value that is not public.
    func searchLeftOverFiles() {
        let directories = [productTemp, sandbox.directory + "/home", sandbox.directory + "/config",
                           sandbox.directory + "/data", sandbox.directory + "/files"]
        let searched = SecretCensusTests.plants.filter { $0.valueClass != .otherCustomer }
        var leftOver: [String] = []
        for directory in directories {
            checks += searched.count
            guard let enumerator = FileManager.default.enumerator(atPath: directory) else { continue }
            while let relative = enumerator.nextObject() as? String {
                let path = directory + "/" + relative
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                if directory.hasSuffix("/files") && relative == SecretCensusTests.fixtureName { continue }
                leftOver.append(path.replacingOccurrences(of: sandbox.directory + "/", with: ""))
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                for plant in searched where data.range(of: Data(plant.value.utf8)) != nil {
                    leaks.append("left-over file: \(path.replacingOccurrences(of: sandbox.directory + "/", with: "")) holds the \(plant.valueClass.rawValue) \(plant.name) (\(plant.value))")
                }
            }
        }
        print("census: left-over files: \(leftOver.isEmpty ? "none" : leftOver.joined(separator: ", "))")
    }

    func report(commands: Int) {
        print("census: \(checks) checks — \(commands) commands, \(runs) runs (both roles, with and without --json), "
              + "\(SecretCensusTests.plants.count) planted values, sinks stdout/stderr/database files/left-over files; "
              + "\(leaks.count) leaks, \(outcomes.count) role or outcome findings, \(unexercised.count) not exercised")
        for line in unexercised { print("census: not exercised: \(line)") }
        for leak in leaks { Issue.record("LEAK \(leak)") }
        for outcome in outcomes { Issue.record("OUTCOME \(outcome)") }
        for line in unexercised { Issue.record("NOT EXERCISED \(line)") }
    }

    static func shown(_ arguments: [String]) -> String {
        (["switchboard"] + arguments.map { $0.count > 40 ? String($0.prefix(37)) + "..." : $0 })
            .map { $0.contains(" ") ? "'\($0)'" : $0 }
            .joined(separator: " ")
    }

    static func excerpt(_ text: String, around range: Range<String.Index>) -> String {
        let start = text.index(range.lowerBound, offsetBy: -60, limitedBy: text.startIndex) ?? text.startIndex
        let end = text.index(range.upperBound, offsetBy: 60, limitedBy: text.endIndex) ?? text.endIndex
        return String(text[start..<end]).replacingOccurrences(of: "\n", with: "⏎")
    }
}

private extension CLISandbox {
    /// Starts a server, waits (with a deadline) until it says it listens or exits, stops it
    /// with SIGTERM and returns what it did.
    func serveBriefly(_ arguments: [String], environment overrides: [String: String]) async throws -> CLIResult {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw CLIError.binaryMissing(Self.binary) }
        let child = try ChildProcess(Self.binary, arguments, environment: environment.merging(overrides) { _, new in new })
        child.closeStdin()
        try await child.waitFor("a listening line or the exit", timeout: .seconds(20)) {
            $0.stdout.contains("Listening on") || !$0.isRunning
        }
        if child.isRunning { child.signal(SIGTERM) }
        let status = try await child.exitStatus(timeout: .seconds(20))
        return CLIResult(arguments: arguments, status: status, stdout: child.stdout, stderr: child.stderr)
    }
}
