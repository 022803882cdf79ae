import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardCore

/// The payload `switchboard run` hands to step code, produced by the built binary and
/// validated against the published schema (docs/connection-payload.schema.json) with
/// Python's `jsonschema` (Draft 2020-12) from the project's venv.
@Suite("CLI: run payload against docs/connection-payload.schema.json")
struct ConnectionPayloadSchemaTests {
    static let schemaPath = Checkout.root + "/docs/connection-payload.schema.json"

    /// A component without connection types: its step gets the payload without a connection.
    static let noConnection = """
        component: payload-clock
        label: Clock
        actions: [tick]
        connections: []
        ---
        integration: payload-ticker
        name: Ticker
        steps:
          - {key: tick, component: payload-clock, action: tick}

        """

    /// Prints, as one JSON object, each payload file's validation errors (every message,
    /// those under `oneOf` branches included); an empty list means valid.
    static let validator = """
        import json, sys
        from jsonschema import Draft202012Validator

        with open(sys.argv[1]) as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema)

        def messages(error):
            yield error.json_path + ": " + error.message
            for sub in error.context or []:
                yield from messages(sub)

        result = {}
        for path in sys.argv[2:]:
            with open(path) as f:
                document = json.load(f)
            result[path] = [m for e in validator.iter_errors(document) for m in messages(e)]
        print(json.dumps(result))

        """

    static let refreshToken = "RT-SCHEMA-NEVER-HANDED-OUT-5e1f"

    /// Runs STEP of INSTANCE with a step that copies stdin and the connection file; returns
    /// the payload's bytes (both copies must be the same) and its path.
    func capture(_ sb: CLISandbox, _ instance: String, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> (Data, String) {
        let name = "payload-\(step)-\(UUID().uuidString)"
        let stdinCopy = sb.directory + "/files/\(name).json"
        let fileCopy = sb.directory + "/files/\(name).file.json"
        try await sb.ok(["run", instance, step, "--", "sh", "-c", #"cat > "$1" && cp "$SWITCHBOARD_CONNECTION_FILE" "$2""#, "sh", stdinCopy, fileCopy],
                        sourceLocation: sourceLocation)
        let fromStdin = try #require(FileManager.default.contents(atPath: stdinCopy), sourceLocation: sourceLocation)
        let fromFile = try #require(FileManager.default.contents(atPath: fileCopy), sourceLocation: sourceLocation)
        #expect(fromStdin == fromFile, "stdin and $SWITCHBOARD_CONNECTION_FILE hand over the same document", sourceLocation: sourceLocation)
        return (fromStdin, stdinCopy)
    }

    func object(_ data: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], sourceLocation: sourceLocation)
    }

    /// Validation errors per file, from `jsonschema` in the venv (set up first if needed).
    func validate(_ sb: CLISandbox, _ paths: [String]) async throws -> [String: [String]] {
        let setup = try await EndToEnd.run("/bin/bash", [EndToEnd.providerScript, "setup"], timeout: .seconds(600))
        try #require(setup.status == 0, "scripts/oauth-provider.sh setup failed: \(setup.stderr)")
        let script = try sb.write("validate-payload.py", Self.validator)
        let result = try await EndToEnd.run(EndToEnd.python, [script, Self.schemaPath] + paths)
        try #require(result.status == 0, "the validator failed (exit \(result.status)): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String]], "validator output: \(result.stdout)")
    }

    @Test("payloads of every shape the binary emits validate; a camelCase token, a refresh token and a connection key without a connection do not")
    func payloadsMatchTheSchema() async throws {
        let sb = try CLISandbox()
        let testSync = try await sb.deployTestSync()
        try await sb.ok(["configure", testSync, "--set", "api.username=runner"])
        try await sb.ok(["configure", testSync, "--set-secret", "api.password"], stdin: "SCHEMA-PASSWORD-77")
        try await sb.ok(["import", Checkout.root + "/examples/local-oauth.yaml", try sb.write("clock.yaml", Self.noConnection)])
        let oauthDemo = try #require(try await sb.json(["deploy", "local-oauth-demo", "--customer", "acme"])["id"] as? String)
        let ticker = try #require(try await sb.json(["deploy", "payload-ticker", "--customer", "acme"])["id"] as? String)

        // Tokens stored as a CONNECT would, through a Store on the sandbox's database and key.
        let store = Store(database: try AppDatabase.open(path: sb.databasePath), actor: Actor(user: "tester", role: .team, source: "test")) {
            try MasterKey.load(environment: sb.environment)
        }
        let stored = try store.storeTokens(
            store.oauthConnection(instance: oauthDemo, variable: "confidential"),
            TokenResponse(accessToken: "AT-SCHEMA-1", refreshToken: Self.refreshToken, scope: "read write", expiresIn: 3600),
            source: .authorizationCode, callbackMetadata: ["realmId": "4620816365"])
        try store.storeTokens(store.oauthConnection(instance: oauthDemo, variable: "device"), TokenResponse(accessToken: "AT-SCHEMA-NO-EXPIRY"),
                              source: .deviceCode)

        // (a) a connection without a token: basic credentials, and OAuth not connected yet.
        let (basicData, basicPath) = try await capture(sb, testSync, "fetch")
        let (unconnectedData, unconnectedPath) = try await capture(sb, oauthDemo, "whoami-public")
        // (b) an OAuth connection with a token, with and without an expiry.
        let before = Date()
        let (tokenData, tokenPath) = try await capture(sb, oauthDemo, "whoami-confidential")
        let after = Date()
        let (noExpiryData, noExpiryPath) = try await capture(sb, oauthDemo, "whoami-device")
        // (c) a step with no connection.
        let (noConnectionData, noConnectionPath) = try await capture(sb, ticker, "tick")

        let basic = try object(basicData)
        #expect(basic["variable"] as? String == "api")
        #expect(basic["status"] as? String == "configured")
        #expect(basic["token"] is NSNull)
        #expect((basic["fields"] as? [String: String])?["password"] == "SCHEMA-PASSWORD-77")
        let unconnected = try object(unconnectedData)
        #expect(unconnected["status"] as? String == "unconfigured")
        #expect(unconnected["token"] is NSNull)

        let withToken = try object(tokenData)
        #expect(withToken["metadata"] as? [String: String] == ["realmId": "4620816365"])
        let token = try #require(withToken["token"] as? [String: Any], "\(withToken)")
        #expect(Set(token.keys) == ["access_token", "token_type", "scope", "expires_at", "expires_in"])
        #expect(token["access_token"] as? String == "AT-SCHEMA-1")
        #expect(token["token_type"] as? String == "Bearer")
        #expect(token["scope"] as? String == "read write")
        #expect(token["expires_at"] as? String == stored.expiresAt)
        #expect(!String(decoding: tokenData, as: UTF8.self).contains(Self.refreshToken), "the refresh token stays with Switchboard")
        // expires_in: whole seconds from when the payload was built (between `before` and `after`) to expires_at.
        let expiresAt = try #require(stored.expiresAt.flatMap(Timestamp.date(from:)))
        let expiresIn = try #require(token["expires_in"] as? Int, "expires_in is an integer: \(token)")
        #expect(expiresIn >= 0 && expiresIn <= 3600)
        #expect(Double(expiresIn) <= expiresAt.timeIntervalSince(before), "expires_in \(expiresIn) is no longer than the time to expires_at")
        #expect(expiresIn >= Int(expiresAt.timeIntervalSince(after).rounded(.down)), "expires_in \(expiresIn) counts from the run, not from CONNECT")

        let noExpiry = try #require(try object(noExpiryData)["token"] as? [String: Any])
        #expect(noExpiry["expires_at"] is NSNull)
        #expect(noExpiry["expires_in"] is NSNull)
        #expect(noExpiry["scope"] as? String == "read write", "an answer without scope granted what was requested (RFC 6749 §5.1)")

        let noConnection = try object(noConnectionData)
        #expect(Set(noConnection.keys) == ["instance", "step", "action", "component", "variable"], "\(noConnection)")
        #expect(noConnection["variable"] is NSNull)

        // Controls: documents the schema must refuse, so a schema that accepts anything fails here.
        var camelToken = token
        camelToken["accessToken"] = camelToken.removeValue(forKey: "access_token")
        var camel = withToken
        camel["token"] = camelToken
        let camelPath = try sb.write("camel.json", String(decoding: try JSONSerialization.data(withJSONObject: camel), as: UTF8.self))
        var leakingToken = token
        leakingToken["refresh_token"] = Self.refreshToken
        var leaking = withToken
        leaking["token"] = leakingToken
        let leakingPath = try sb.write("leaking.json", String(decoding: try JSONSerialization.data(withJSONObject: leaking), as: UTF8.self))
        var unbound = noConnection
        unbound["fields"] = [String: String]()
        let unboundPath = try sb.write("unbound.json", String(decoding: try JSONSerialization.data(withJSONObject: unbound), as: UTF8.self))

        let errors = try await validate(sb, [basicPath, unconnectedPath, tokenPath, noExpiryPath, noConnectionPath, camelPath, leakingPath, unboundPath])
        for path in [basicPath, unconnectedPath, tokenPath, noExpiryPath, noConnectionPath] {
            #expect(errors[path] == [], "\((path as NSString).lastPathComponent) does not match the schema: \(errors[path] ?? ["not validated"])")
        }
        #expect(errors[camelPath]?.contains { $0.contains("'accessToken' was unexpected") } == true, "\(errors[camelPath] ?? [])")
        #expect(errors[leakingPath]?.contains { $0.contains("'refresh_token' was unexpected") } == true, "\(errors[leakingPath] ?? [])")
        #expect(errors[unboundPath]?.isEmpty == false, "a step without a connection carries no fields")
        withExtendedLifetime(store) {}
    }
}
