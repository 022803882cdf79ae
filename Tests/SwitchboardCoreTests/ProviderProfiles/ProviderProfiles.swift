import Foundation

/// The bundled OAuth providers as their documentation describes them (docs/providers.md
/// has the same list in words). Only what a connection meets is modelled: endpoints,
/// redirect matching, client authentication, token answers, rotation, revocation and
/// the API endpoint each catalog `test:` calls.
extension ProviderProfile {
    // MARK: Dropbox

    /// RPC endpoints take no body or JSON: any other Content-Type is refused with 400.
    static func dropboxContentTypeRefusal(_ request: FakeRequest, _ function: String) -> FakeResponse? {
        guard let type = request.contentType, !type.hasPrefix("application/json"), type != "text/plain; charset=dropbox-cors-hack" else {
            let body = request.text.trimmingCharacters(in: .whitespaces)
            if request.contentType == nil && !body.isEmpty {
                return .text(400, "Error in call to API function \"\(function)\": request body: could not decode input as JSON")
            }
            return nil
        }
        return .text(400, """
            Error in call to API function "\(function)": Bad HTTP "Content-Type" header: "\(type)".  \
            Expecting one of "application/json", "application/json; charset=utf-8", "text/plain; charset=dropbox-cors-hack".
            """)
    }

    static let dropboxDeadToken = FakeResponse.json(401, ["error_summary": "invalid_access_token/..", "error": [".tag": "invalid_access_token"]])
    static let dropboxAccountId = "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"

    static let dropbox = ProviderProfile(
        name: "Dropbox", component: "dropbox", redirectMatch: .exact, acceptedClientAuth: [.basic, .body],
        codePrefix: "dbx-code-", refreshPrefix: "dbx-refresh-", accessPrefix: { _ in "sl.u." },
        // Only token_access_type=offline brings a (long-lived) refresh token.
        grantsRefreshToken: { grant, _ in grant.authorizeQuery["token_access_type"] == "offline" },
        tokenAnswer: { _, context in
            var answer: [String: Any] = ["access_token": context.accessToken, "token_type": "bearer", "expires_in": context.lifetime(14400)]
            if !context.refreshing {
                answer["scope"] = "account_info.read files.metadata.read"
                answer["uid"] = "12345"
                answer["account_id"] = dropboxAccountId
            }
            if let refresh = context.refreshToken { answer["refresh_token"] = refresh }
            return .json(200, answer)
        },
        routes: [
            .authorize("www.dropbox.com", "/oauth2/authorize"),
            .token("api.dropboxapi.com", "/oauth2/token"),
            // The access token as Bearer, no body; it ends the refresh token behind it too.
            FakeRoute(method: "POST", host: "api.dropboxapi.com", pattern: "/2/auth/token/revoke", role: .revoke) { request, _, core in
                if let refusal = dropboxContentTypeRefusal(request, "auth/token/revoke") { return refusal }
                guard let grant = core.grant(forAccess: request.bearer) else { return dropboxDeadToken }
                core.endGrant(grant)
                return .json(200, NSNull())
            },
            FakeRoute(method: "POST", host: "api.dropboxapi.com", pattern: "/2/users/get_current_account", role: .api) { request, _, core in
                if let refusal = dropboxContentTypeRefusal(request, "users/get_current_account") { return refusal }
                guard core.grant(forAccess: request.bearer) != nil else { return dropboxDeadToken }
                return .json(200, ["account_id": dropboxAccountId, "email": "alice@example.com", "name": ["display_name": "Alice"]])
            },
        ])

    // MARK: GitHub (OAuth app)

    static let github = ProviderProfile(
        name: "GitHub", component: "github", redirectMatch: .loopbackAnyPort, acceptedClientAuth: [.body, .none], errors: .github,
        formUnlessJSONAccepted: true, deviceFlowWithoutSecret: true, pendingStatus: 200,
        codePrefix: "ghcode", refreshPrefix: "ghr_", accessPrefix: { _ in "gho_" },
        // OAuth app tokens do not expire and come without a refresh token.
        grantsRefreshToken: { _, _ in false },
        tokenAnswer: { request, context in
            let scope = context.grant.scope.split(separator: " ").joined(separator: ",")
            if request.headers["accept"]?.contains("application/json") == true {
                return .json(200, ["access_token": context.accessToken, "token_type": "bearer", "scope": scope])
            }
            return .form(200, [("access_token", context.accessToken), ("scope", scope), ("token_type", "bearer")])
        },
        // Form-encoded too unless JSON is asked for; verification_uri without the code.
        deviceAnswer: { request, deviceCode, userCode in
            let fields = [("device_code", deviceCode), ("user_code", userCode), ("verification_uri", "https://github.com/login/device"),
                          ("expires_in", "899"), ("interval", "1")]
            if request.headers["accept"]?.contains("application/json") == true {
                return .json(200, ["device_code": deviceCode, "user_code": userCode, "verification_uri": "https://github.com/login/device",
                                   "expires_in": 899, "interval": 1])
            }
            return .form(200, fields)
        },
        routes: [
            .authorize("github.com", "/login/oauth/authorize"),
            .device("github.com", "/login/device/code"),
            .token("github.com", "/login/oauth/access_token"),
            // DELETE /applications/{client_id}/grant, Basic client_id:client_secret, JSON
            // {"access_token": …}: deletes the grant (every token), 204.
            FakeRoute(method: "DELETE", host: "api.github.com", pattern: "/applications/{client_id}/grant", role: .revoke) { request, captures, core in
                let notFound = FakeResponse.json(404, ["message": "Not Found", "documentation_url": "https://docs.github.com/rest"])
                guard let basic = request.basic, basic.id == captures["client_id"],
                      core.withState({ $0.clients[basic.id]?.secret }) == basic.secret else { return notFound }
                guard request.contentType?.hasPrefix("application/json") == true,
                      let token = request.json?["access_token"] as? String else {
                    return .json(422, ["message": "Invalid request.\n\n\"access_token\" wasn't supplied."])
                }
                guard let grant = core.grant(forAccess: token), grant.clientId == basic.id else { return notFound }
                core.endGrant(grant)
                return .empty(204)
            },
            FakeRoute(method: "GET", host: "api.github.com", pattern: "/user", role: .api) { request, _, core in
                // "Requests with no User-Agent header will be rejected."
                guard request.headers["user-agent"]?.isEmpty == false else {
                    return .text(403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header.")
                }
                guard core.grant(forAccess: request.bearer) != nil else {
                    return .json(401, ["message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"])
                }
                return .json(200, ["login": "octocat", "id": 583231])
            },
        ])

    // MARK: Google

    static let google = ProviderProfile(
        name: "Google", component: "google", redirectMatch: .loopbackAnyPort, acceptedClientAuth: [.body, .basic], pendingStatus: 428,
        codePrefix: "4/0Ab", refreshPrefix: "1//0g", accessPrefix: { _ in "ya29.a0A" },
        authorizeRefusal: { query, _, _ in
            (query["scope"] ?? "").isEmpty ? "Error 400: invalid_request. Missing required parameter: scope" : nil
        },
        // A refresh token only for access_type=offline (the device flow always brings one).
        grantsRefreshToken: { grant, _ in grant.device || grant.authorizeQuery["access_type"] == "offline" },
        tokenAnswer: { _, context in
            var answer: [String: Any] = ["access_token": context.accessToken, "expires_in": context.lifetime(3599), "token_type": "Bearer",
                                         "scope": context.grant.scope]
            if context.grant.scope.split(separator: " ").contains("openid") { answer["id_token"] = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln" }
            if let refresh = context.refreshToken { answer["refresh_token"] = refresh }
            return .json(200, answer)
        },
        // Google spells it verification_url.
        deviceAnswer: { _, deviceCode, userCode in
            .json(200, ["device_code": deviceCode, "user_code": userCode, "verification_url": "https://www.google.com/device",
                        "expires_in": 1800, "interval": 1])
        },
        routes: [
            .authorize("accounts.google.com", "/o/oauth2/v2/auth"),
            .device("oauth2.googleapis.com", "/device/code"),
            .token("oauth2.googleapis.com", "/token"),
            // Form `token=…`; revoking either token of a grant revokes the whole grant.
            FakeRoute(method: "POST", host: "oauth2.googleapis.com", pattern: "/revoke", role: .revoke) { request, _, core in
                guard request.contentType?.hasPrefix("application/x-www-form-urlencoded") == true else {
                    return .json(400, ["error": "invalid_request", "error_description": "Bad Request"])
                }
                let token = request.form["token"] ?? request.query["token"]
                guard let grant = core.grant(forRefresh: token) ?? core.grant(forAccess: token) else {
                    return .json(400, ["error": "invalid_token", "error_description": "Token expired or revoked"])
                }
                core.endGrant(grant)
                return .json(200, [String: String]())
            },
            .api("GET", "openidconnect.googleapis.com", "/v1/userinfo",
                 dead: .json(401, ["error": "invalid_request", "error_description": "Invalid Credentials"])) { _, _, _ in
                .json(200, ["sub": "110169484474386276334", "email": "alice@example.com", "email_verified": true])
            },
        ])

    // MARK: Microsoft Entra ID

    static let microsoftTenant = "11111111-2222-3333-4444-555555555555"

    /// AADSTS50194: a single-tenant app (the default) refuses /common and /organizations.
    static func entraTenantRefusal(_ tenant: String?, _ client: FakeClient) -> String? {
        guard let home = client.info["tenant"], tenant != home else { return nil }
        return "AADSTS50194: Application '\(client.id)' is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant."
    }

    static let microsoft = ProviderProfile(
        name: "Microsoft Entra ID", component: "microsoft", redirectMatch: .loopbackAnyPort, acceptedClientAuth: [.body, .none],
        // Each refresh returns a new refresh token; the old one stays valid until it expires.
        rotation: .rotates(oldStaysValid: true), deviceFlowWithoutSecret: true,
        codePrefix: "0.AUoA", refreshPrefix: "0.ARwA", accessPrefix: { _ in "eyJ0eXAiOiJKV1QiLCJub25jZSI6" },
        authorizeRefusal: { _, captures, client in entraTenantRefusal(captures["tenant"], client) },
        grantsRefreshToken: { grant, _ in grant.scope.split(separator: " ").contains("offline_access") },
        tokenAnswer: { _, context in
            let scope = context.grant.scope.split(separator: " ").filter { $0 != "offline_access" }.joined(separator: " ")
            var answer: [String: Any] = ["token_type": "Bearer", "scope": scope, "expires_in": context.lifetime(3599), "ext_expires_in": context.lifetime(3599),
                                         "access_token": context.accessToken]
            if let refresh = context.refreshToken { answer["refresh_token"] = refresh }
            return .json(200, answer)
        },
        deviceAnswer: { _, deviceCode, userCode in
            .json(200, ["device_code": deviceCode, "user_code": userCode, "verification_uri": "https://microsoft.com/devicelogin",
                        "expires_in": 900, "interval": 1,
                        "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code \(userCode) to authenticate."])
        },
        routes: [
            .authorize("login.microsoftonline.com", "/{tenant}/oauth2/v2.0/authorize"),
            .device("login.microsoftonline.com", "/{tenant}/oauth2/v2.0/devicecode"),
            FakeRoute(method: "POST", host: "login.microsoftonline.com", pattern: "/{tenant}/oauth2/v2.0/token", role: .token) { request, captures, core in
                let id = request.basic?.id ?? request.parameters["client_id"] ?? ""
                if let client = core.withState({ $0.clients[id] }), let refusal = entraTenantRefusal(captures["tenant"], client) {
                    return .json(400, ["error": "invalid_request", "error_description": refusal])
                }
                return core.token(request, captures)
            },
            .api("GET", "graph.microsoft.com", "/v1.0/me",
                 dead: .json(401, ["error": ["code": "InvalidAuthenticationToken", "message": "Lifetime validation failed, the token is expired."]])) { _, _, _ in
                .json(200, ["id": "48d31887-5fad-4d73-a9f5-3c356e68a038", "displayName": "Alice", "userPrincipalName": "alice@contoso.onmicrosoft.com"])
            },
        ])

    // MARK: Salesforce

    /// The org's own host, named by the token answer's instance_url.
    static func salesforceInstance(_ loginHost: String?) -> String {
        loginHost == "test.salesforce.com" ? "acme--uat.sandbox.my.salesforce.com" : "acme.my.salesforce.com"
    }

    static let salesforce: ProviderProfile = {
        let hosts = ["login.salesforce.com", "test.salesforce.com"]
        var routes: [FakeRoute] = []
        for host in hosts {
            routes.append(.authorize(host, "/services/oauth2/authorize"))
            routes.append(.token(host, "/services/oauth2/token"))
            // Form `token=…`: a refresh token revokes the grant and its access tokens; an
            // access token only itself.
            routes.append(FakeRoute(method: "POST", host: host, pattern: "/services/oauth2/revoke", role: .revoke) { request, _, core in
                let token = request.form["token"]
                if let grant = core.grant(forRefresh: token) {
                    core.endGrant(grant)
                } else if let token, core.grant(forAccess: token) != nil {
                    core.kill(accessToken: token)
                } else {
                    return .json(400, ["error": "unsupported_token_type", "error_description": "this token type is not supported"])
                }
                return .empty(200)
            })
            // The REST root lists the org's resources; a dead session is 401 INVALID_SESSION_ID.
            routes.append(.api("GET", salesforceInstance(host), "/services/data/v62.0/",
                               dead: .json(401, [["message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"]])) { _, _, _ in
                .json(200, ["sobjects": "/services/data/v62.0/sobjects", "query": "/services/data/v62.0/query", "limits": "/services/data/v62.0/limits"])
            })
        }
        return ProviderProfile(
            name: "Salesforce", component: "salesforce", redirectMatch: .exact, acceptedClientAuth: [.body],
            codePrefix: "aPrx", refreshPrefix: "5Aep861", accessPrefix: { _ in "00D5e000000abcd!AQ0AQ" },
            grantInfo: { _, captures, _ in ["instance": salesforceInstance(captures["_host"])] },
            // The refresh_token (or offline_access) scope brings a refresh token.
            grantsRefreshToken: { grant, _ in
                let scopes = grant.scope.split(separator: " ")
                return scopes.contains("refresh_token") || scopes.contains("offline_access")
            },
            // No expires_in: the session lasts the org's timeout. instance_url and id always.
            tokenAnswer: { _, context in
                let instance = context.grant.info["instance"] ?? ""
                var answer: [String: Any] = [
                    "access_token": context.accessToken, "signature": "dGhlIHNpZ25hdHVyZQ==", "scope": context.grant.scope,
                    "instance_url": "\(context.base)/\(instance)", "token_type": "Bearer", "issued_at": "1733060000000",
                    "id": "\(context.base)/login.salesforce.com/id/00D5e000000abcdEAA/0055e000003xyzAAA",
                ]
                if let refresh = context.refreshToken { answer["refresh_token"] = refresh }
                return .json(200, answer)
            },
            routes: routes)
    }()

    // MARK: Slack

    static let slackTeam = ["id": "T9TK3CUKW", "name": "Acme Softball"]
    static let slackBotUser = "U0KRQLJ9H"

    static let slack = ProviderProfile(
        name: "Slack", component: "slack", redirectMatch: .exact, httpsOnly: true, acceptedClientAuth: [.body, .basic], errors: .slack,
        // With token rotation on, every refresh answer carries the next refresh token.
        rotation: .rotates(oldStaysValid: false),
        codePrefix: "2954466.", refreshPrefix: "xoxe-1-", accessPrefix: { grant in grant.info["rotation"] == "on" ? "xoxe.xoxb-1-" : "xoxb-" },
        authorizeRefusal: { query, _, _ in
            // Bot scopes are comma separated.
            (query["scope"] ?? "").contains(" ") ? "invalid_scope: scopes are separated by commas" : nil
        },
        grantInfo: { _, _, client in ["rotation": client.info["rotation"] ?? "off"] },
        // Only with token rotation turned on: then tokens last 12 hours.
        grantsRefreshToken: { _, client in client.info["rotation"] == "on" },
        tokenAnswer: { _, context in
            var answer: [String: Any] = [
                "ok": true, "app_id": "A0KRD7HC3", "authed_user": ["id": "U1234"], "scope": context.grant.scope,
                "token_type": "bot", "access_token": context.accessToken, "bot_user_id": slackBotUser, "team": slackTeam,
                "enterprise": NSNull(), "is_enterprise_install": false,
            ]
            if let refresh = context.refreshToken {
                answer["refresh_token"] = refresh
                answer["expires_in"] = context.lifetime(43200)
            }
            return .json(200, answer)
        },
        routes: [
            .authorize("slack.com", "/oauth/v2/authorize"),
            .token("slack.com", "/api/oauth.v2.access"),
            // The token as Bearer (or form `token`); HTTP 200 either way, `ok` says.
            FakeRoute(method: "POST", host: "slack.com", pattern: "/api/auth.revoke", role: .revoke) { request, _, core in
                guard let grant = core.grant(forAccess: request.bearer ?? request.form["token"]) else {
                    return .json(200, ["ok": false, "error": "invalid_auth"])
                }
                core.endGrant(grant)
                return .json(200, ["ok": true, "revoked": true])
            },
            .api("GET", "slack.com", "/api/auth.test", dead: .json(200, ["ok": false, "error": "invalid_auth"])) { _, _, _ in
                .json(200, ["ok": true, "url": "https://acme-softball.slack.com/", "team": slackTeam["name"] ?? "", "user": "switchboard",
                            "team_id": slackTeam["id"] ?? "", "user_id": slackBotUser, "bot_id": "B01SWITCH"])
            },
        ])

    // MARK: Atlassian (Jira Cloud)

    static let atlassianCloudId = "1324a887-45db-1bf4-1e99-ef0ff456d421"
    static let atlassianSite = "https://acme.atlassian.net"
    static let atlassianDeadToken = FakeResponse.json(401, ["code": 401, "message": "Unauthorized"])

    static let jira = ProviderProfile(
        name: "Atlassian", component: "jira", redirectMatch: .exact, acceptedClientAuth: [.body],
        // Rotating refresh tokens: each refresh returns a new one and the old one dies.
        rotation: .rotates(oldStaysValid: false),
        codePrefix: "eyJhbGciOiJIUzI1NiJ9.code.", refreshPrefix: "eyJraWQiOiJyZWZyZXNo.", accessPrefix: { _ in "eyJraWQiOiJhY2Nlc3M." },
        authorizeRefusal: { query, _, _ in
            query["audience"] == "api.atlassian.com" ? nil : "audience=api.atlassian.com is required"
        },
        grantsRefreshToken: { grant, _ in grant.scope.split(separator: " ").contains("offline_access") },
        tokenAnswer: { _, context in
            var answer: [String: Any] = ["access_token": context.accessToken, "expires_in": context.lifetime(3600), "token_type": "Bearer",
                                         "scope": context.grant.scope]
            if let refresh = context.refreshToken { answer["refresh_token"] = refresh }
            return .json(200, answer)
        },
        routes: [
            .authorize("auth.atlassian.com", "/authorize"),
            .token("auth.atlassian.com", "/oauth/token"),
            .api("GET", "api.atlassian.com", "/oauth/token/accessible-resources", dead: atlassianDeadToken) { _, grant, _ in
                .json(200, [["id": atlassianCloudId, "url": atlassianSite, "name": "acme",
                             "scopes": grant.scope.split(separator: " ").map(String.init), "avatarUrl": "https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png"]])
            },
            .api("GET", "api.atlassian.com", "/ex/jira/{cloudId}/rest/api/3/myself", dead: atlassianDeadToken) { _, _, captures in
                guard captures["cloudId"] == atlassianCloudId else {
                    return .json(404, ["errorMessages": ["Site not found"]])
                }
                return .json(200, ["accountId": "5b10a2844c20165700ede21g", "displayName": "Alice", "active": true])
            },
        ])

    // MARK: Intuit (QuickBooks Online)

    static let intuitRealm = "9341453050071234"
    static let intuitDeadToken = FakeResponse.json(401, ["fault": ["error": [["message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                                                                              "detail": "Token expired", "code": "3200"]], "type": "AUTHENTICATION"]])

    static let quickbooks: ProviderProfile = {
        var routes: [FakeRoute] = [
            .authorize("appcenter.intuit.com", "/connect/oauth2"),
            .token("oauth.platform.intuit.com", "/oauth2/v1/tokens/bearer"),
            // JSON {"token": …} with Basic client auth; either token ends the connection.
            FakeRoute(method: "POST", host: "developer.api.intuit.com", pattern: "/v2/oauth2/tokens/revoke", role: .revoke) { request, _, core in
                guard let basic = request.basic, core.withState({ $0.clients[basic.id]?.secret }) == basic.secret else {
                    return .json(401, ["error": "invalid_client"])
                }
                guard request.contentType?.hasPrefix("application/json") == true, let token = request.json?["token"] as? String,
                      let grant = core.grant(forRefresh: token) ?? core.grant(forAccess: token), grant.clientId == basic.id else {
                    return .json(400, ["error": "invalid_request"])
                }
                core.endGrant(grant)
                return .empty(200)
            },
        ]
        // Development keys reach sandbox companies only, production keys real ones.
        for (host, environment) in [("quickbooks.api.intuit.com", "production"), ("sandbox-quickbooks.api.intuit.com", "development")] {
            routes.append(.api("GET", host, "/v3/company/{realm}/companyinfo/{id}", dead: intuitDeadToken) { _, grant, captures in
                guard grant.info["environment"] == environment else {
                    return .json(403, ["fault": ["error": [["message": "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                                                            "code": "3100"]], "type": "SERVICE"]])
                }
                guard captures["realm"] == grant.info["realmId"], captures["id"] == grant.info["realmId"] else {
                    return .json(403, ["fault": ["error": [["message": "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                                                            "detail": "realm mismatch", "code": "3100"]], "type": "SERVICE"]])
                }
                return .json(200, ["CompanyInfo": ["CompanyName": "Sandbox Company_US_1", "Id": "1"], "time": "2026-12-01T10:00:00.000-08:00"])
            })
        }
        return ProviderProfile(
            name: "Intuit", component: "quickbooks", redirectMatch: .exact, refusesIPAddresses: true, acceptedClientAuth: [.basic],
            // A refresh may return a new refresh token; only the newest one keeps working.
            rotation: .rotates(oldStaysValid: false),
            codePrefix: "AB11", refreshPrefix: "RT1-", accessPrefix: { _ in "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2" },
            grantInfo: { _, _, client in ["realmId": intuitRealm, "environment": client.info["environment"] ?? "development"] },
            // The company the user picked arrives on the callback.
            callbackExtras: { grant in [("realmId", grant.info["realmId"] ?? "")] },
            grantsRefreshToken: { _, _ in true },
            tokenAnswer: { _, context in
                var answer: [String: Any] = ["token_type": "bearer", "expires_in": context.lifetime(3600), "x_refresh_token_expires_in": 8726400,
                                             "access_token": context.accessToken]
                if let refresh = context.refreshToken { answer["refresh_token"] = refresh }
                return .json(200, answer)
            },
            routes: routes)
    }()
}
