import Foundation

/// What DISCONNECT did: the local deletion always; revocation as far as it went.
package struct DisconnectReport: Sendable {
    package var label: String
    package var hadTokens: Bool
    /// One line per revocation attempt (or why none was made).
    package var revocation: [String]
    package var revoked: Bool
}

extension OAuthFlows {
    /// Deletes the tokens first (refresh stops at once), then revokes them at `revokeUrl`
    /// when there is one (RFC 7009): the refresh token, then the access token, each with
    /// its `token_type_hint`. Revocation is best effort: failures are logged and reported,
    /// never undo or block the local deletion.
    package func disconnect(instance: String, variable: String, revocationTimeout: Duration = .seconds(10)) async throws -> DisconnectReport {
        let disconnection = try store.disconnect(instance: instance, variable: variable)
        var report = DisconnectReport(label: disconnection.label, hadTokens: disconnection.deleted != nil, revocation: [], revoked: false)
        guard let token = disconnection.deleted else { return report }
        guard let client = disconnection.client, client.revokeUrl != nil else {
            let line: Message = "No revocation endpoint (revokeUrl) is configured; the tokens were deleted locally only"
            try? store.log(disconnection, level: .info, line)
            report.revocation.append(disconnection.forReader(line.teamText))
            return report
        }
        var targets: [(String, String)] = []
        if let refresh = token.refreshToken { targets.append((refresh, "refresh_token")) }
        targets.append((token.accessToken, "access_token"))
        var allDone = true
        for (value, hint) in targets {
            var request = OAuthRequests.revocation(client: client, token: value, hint: hint)
            request.timeout = revocationTimeout
            let what = hint == "refresh_token" ? "refresh token" : "access token"
            let line: Message
            let level: LogLevel
            do {
                let response = try await transport.send(request)
                if response.status == 200 {
                    line = "Revoked the \(name: what) at the provider"
                    level = .info
                } else {
                    line = "Revocation of the \(name: what) was not confirmed (\(outside: Self.revocationReason(response))); the tokens were deleted locally"
                    level = .warning
                    allDone = false
                }
            } catch is CancellationError {
                line = "Revocation of the \(name: what) was cancelled; the tokens were deleted locally"
                level = .warning
                allDone = false
            } catch {
                line = "Revocation of the \(name: what) failed (\(outside: error)); the tokens were deleted locally"
                level = .warning
                allDone = false
            }
            let safe = Redactor(secrets: disconnection.secrets + token.secretValues).redactOutside(line)
            try? store.log(disconnection, level: level, safe)
            report.revocation.append(disconnection.forReader(safe.teamText))
        }
        report.revoked = allDone
        return report
    }

    static func revocationReason(_ response: HTTPResponse) -> String {
        do {
            _ = try OAuthResponseParser.fields(of: response, what: "revocation endpoint")
            return "HTTP \(response.status)"
        } catch {
            return "\(error)"
        }
    }
}
