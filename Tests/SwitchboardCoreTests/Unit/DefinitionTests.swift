import Testing
@testable import SwitchboardCore

@Suite("DefinitionParser and DefinitionValidator")
struct DefinitionTests {
    @Test("every bad definition is rejected naming file, line and the offending key", arguments: Rejections.all)
    func rejection(_ case_: Rejection) {
        do {
            let loaded = try Fixtures.load(case_.yaml, file: case_.file)
            Issue.record("\(case_.file) was accepted: \(loaded.components.map(\.key)) \(loaded.integrations.map(\.key))")
        } catch let error as SwitchboardError {
            guard case .definition(let file, let line, _) = error else {
                Issue.record("expected a definition error, got \(error)")
                return
            }
            #expect(file == case_.file)
            #expect(line != nil, "the parser knows the line of every rejection here")
            if let expected = case_.expectedLine { #expect(line == expected) }
            case_.check(error.description)
        } catch {
            Issue.record("expected a SwitchboardError, got \(error)")
        }
    }

    @Test("a test request's expectJson keeps YAML's types: plain true/numbers/null, quoted strings")
    func expectJsonTypes() throws {
        let yaml = """
            component: slackish
            label: Slackish
            connections:
              - key: token
                label: Token
                fields:
                  - {key: token, label: Token, type: password, required: true}
                test: {method: POST, url: "https://slack.test/api/auth.test", contentType: application/json, body: "{}",
                       expectJson: {ok: true, count: 2, team.id: "T1", quoted: "true", gone: null}}
            """
        let test = try #require(try DefinitionParser.parse(yaml: yaml, file: "s.yaml").components.first?.value.connections.first?.test)
        #expect(test.expectJson == ["ok": .bool(true), "count": .number(2), "team.id": .string("T1"), "quoted": .string("true"), "gone": .null])
        #expect(test.contentType == "application/json")
        #expect(test.body == "{}")
    }

    @Test("the SPEC example parses with every OAuth option and field attribute")
    func specExample() throws {
        let batch = try DefinitionParser.parse(yaml: Fixtures.specExample, file: "spec.yaml")
        #expect(batch.components.count == 1)
        #expect(batch.integrations.count == 1)
        #expect(batch.integrations.first?.line == Fixtures.line(of: "integration: sync-invoices", in: Fixtures.specExample))
        let component = try #require(batch.components.first?.value)
        #expect(component.actions == ["list-invoices", "upload"])
        let apiKey = try #require(component.connectionType("apiKey"))
        #expect(apiKey.field("region")?.choices == [Choice(label: "EU", value: "eu"), Choice(label: "US", value: "us")])
        #expect(apiKey.field("apiKey")?.type == .password)
        #expect(apiKey.test?.expectStatus == 200)
        #expect(apiKey.test?.headers["Authorization"] == "Bearer {{apiKey}}")
        let oauth = try #require(component.connectionType("oauth")?.oauth2)
        #expect(oauth.grant == .authorizationCode)
        #expect(oauth.pkce == .s256)
        #expect(oauth.clientAuth == .basic)
        #expect(oauth.authorizeParams == ["access_type": "offline"])
        #expect(oauth.callbackMetadata == ["realmId"])
        #expect(oauth.tokenMetadata == ["instance_url"])
        #expect(oauth.labels["clientSecret"] == "Consumer Secret")
        #expect(oauth.deviceAuthorizationUrl == nil)
        try DefinitionValidator.validate(batch.components[0])
    }

    @Test("given the SPEC example, when resolved, then the unbound S3 step gets a new shared amazon-s3 variable")
    func specExampleResolves() throws {
        let loaded = try Fixtures.load(Fixtures.specExample, file: "spec.yaml")
        let integration = try #require(loaded.integrations.first)
        #expect(integration.variables.map(\.key) == ["crm", "amazon-s3"])
        #expect(integration.step("store")?.connection == "amazon-s3")
        #expect(integration.variable("amazon-s3")?.connectionType.key == "accessKey")
        #expect(integration.variable("crm")?.isCustomerVisible("clientId") == false)
        #expect(integration.variable("crm")?.isCustomerVisible("scopes") == true)
    }

    @Test("given several unbound steps per component, then each component gets ONE auto-created variable they share")
    func unboundStepsShareOneVariable() throws {
        let yaml = """
            integration: shared
            name: Shared
            steps:
              - {key: list, component: amazon-s3, action: list-objects}
              - {key: put, component: amazon-s3, action: put-object}
              - {key: call, component: http-basic, action: get}
              - {key: delete, component: amazon-s3, action: delete-object}
              - {key: post, component: http-basic, action: post}
            """
        let integration = try #require(try Fixtures.load(yaml, file: "shared.yaml").integrations.first)
        #expect(integration.variables.map(\.key) == ["amazon-s3", "http-basic"])
        #expect(integration.steps.map(\.connection) == ["amazon-s3", "amazon-s3", "http-basic", "amazon-s3", "http-basic"])
    }

    @Test("given a declared variable of the component, then unbound steps use it instead of creating one")
    func unboundStepsUseDeclaredVariable() throws {
        let integration = try #require(try Fixtures.load(Fixtures.testAPI, file: "test-api.yaml").integrations.first)
        #expect(integration.variables.map(\.key) == ["api"])
        #expect(integration.steps.map(\.connection) == ["api", "api", "api"])
    }

    @Test("given an auto-created variable whose key is taken by another component's variable, then it gets a fresh key")
    func autoCreatedKeyIsUnique() throws {
        let yaml = """
            integration: clash
            name: Clash
            configVariables:
              - {key: amazon-s3, component: http-basic}
            steps:
              - {key: put, component: amazon-s3, action: put-object}
            """
        let integration = try #require(try Fixtures.load(yaml, file: "clash.yaml").integrations.first)
        #expect(integration.variables.map(\.key) == ["amazon-s3", "amazon-s3-2"])
        #expect(integration.step("put")?.connection == "amazon-s3-2")
        #expect(integration.variable("amazon-s3-2")?.component == "amazon-s3")
    }

    @Test("a hidden field whose component has a default needs no integration default")
    func hiddenFieldWithComponentDefault() throws {
        let yaml = """
            integration: hidden-ok
            name: Hidden ok
            configVariables:
              - key: s3
                component: amazon-s3
                fields:
                  region: {customerVisible: false}
            """
        let integration = try #require(try Fixtures.load(yaml, file: "hidden-ok.yaml").integrations.first)
        #expect(integration.variable("s3")?.isCustomerVisible("region") == false)
    }
}
