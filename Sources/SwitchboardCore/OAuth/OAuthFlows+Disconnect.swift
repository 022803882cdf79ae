import Foundation

/// What DISCONNECT did: the local deletion always; revocation as far as it went.
package struct DisconnectReport: Sendable {
    package var label: String
    package var hadTokens: Bool
    /// One line per revocation attempt (or why none was made).
    package var revocation: [String]
    package var revoked: Bool

    /// What happened locally, in the words every front end uses.
    package var deletion: String {
        hadTokens ? "tokens deleted; refreshing stopped" : "there were no tokens to delete"
    }
}

extension OAuthFlows {
    /// Deletes the tokens first (refresh stops at once), then revokes them at `revokeUrl`
    /// when there is one, in the type's revocation style (`RevocationOptions`; RFC 7009 by
    /// default): each of the style's tokens the connection holds, in order, until one
    /// confirmed revocation when it ends the whole grant. Revocation is best effort:
    /// every attempt is logged and reported, and none undoes or blocks the local deletion.
    package func disconnect(instance: String, variable: String, revocationTimeout: Duration = .seconds(10)) async throws -> DisconnectReport {
        let disconnection = try store.disconnect(instance: instance, variable: variable)
        var report = DisconnectReport(label: disconnection.label, hadTokens: disconnection.deleted != nil, revocation: [], revoked: false)
        guard var token = disconnection.deleted else { return report }
        var redactor = Redactor(secrets: disconnection.secrets + token.secretValues)
        func note(_ level: LogLevel, _ line: Message) {
            let safe = redactor.redactOutside(line)
            try? store.log(disconnection, level: level, safe)
            report.revocation.append(disconnection.forReader(safe.teamText))
        }
        guard let client = disconnection.client, client.revokeUrl != nil else {
            note(.info, "No revocation endpoint (revokeUrl) is configured; the tokens were deleted locally only")
            return report
        }
        let style = client.options.revocationStyle
        if let fresh = await accessTokenToRevokeWith(token, client: client, style: style, timeout: revocationTimeout) {
            token.accessToken = fresh
            redactor = Redactor(secrets: disconnection.secrets + token.secretValues + [fresh])
            note(.info, "The access token had expired: the refresh token bought a fresh one to revoke the grant with (not stored)")
        }
        let held: [(kind: RevocationOptions.Token, value: String)] = style.tokens.compactMap { kind in
            switch kind {
            case .refreshToken: token.refreshToken.map { (kind, $0) }
            case .accessToken: (kind, token.accessToken)
            }
        }
        guard !held.isEmpty else {
            let names = style.tokens.map(\.spoken).joined(separator: " or ")
            note(.info, "There was no \(name: names) to revoke at the provider; the tokens were deleted locally only")
            return report
        }
        var confirmed = 0
        var unconfirmed = 0
        for (kind, value) in held {
            if style.revokesGrant && confirmed > 0 {
                note(.info, "The \(name: kind.spoken) was not sent: one revocation ends the whole grant at this provider")
                continue
            }
            var request = OAuthRequests.revocation(client: client, token: value, kind: kind)
            request.timeout = revocationTimeout
            do {
                let response = try await transport.send(request)
                if style.confirms(response) {
                    confirmed += 1
                    note(.info, "Revoked the \(name: kind.spoken) at the provider")
                } else {
                    unconfirmed += 1
                    note(.warning, "Revocation of the \(name: kind.spoken) was not confirmed (\(Self.revocationReason(response, style: style))); the tokens were deleted locally")
                }
            } catch is CancellationError {
                unconfirmed += 1
                note(.warning, "Revocation of the \(name: kind.spoken) was cancelled; the tokens were deleted locally")
            } catch {
                unconfirmed += 1
                note(.warning, "Revocation of the \(name: kind.spoken) failed (\(outside: error)); the tokens were deleted locally")
            }
        }
        report.revoked = style.revokesGrant ? confirmed > 0 : unconfirmed == 0
        return report
    }

    /// A style that revokes with the access token only (Dropbox: `auth/token/revoke` takes
    /// it as the Bearer credential and ends the whole grant) gets 401 for an expired one,
    /// and Dropbox's last 4 h: the refresh token, deleted locally but still in hand, buys a
    /// fresh access token for the revocation. Nil when not needed or not possible.
    func accessTokenToRevokeWith(_ token: StoredToken, client: OAuthClient, style: RevocationOptions, timeout: Duration) async -> String? {
        guard !style.tokens.contains(.refreshToken), let refresh = token.refreshToken,
              let expiresAt = token.expiresAt.flatMap(Timestamp.date(from:)), expiresAt.timeIntervalSince(store.clock.now()) < 30 else { return nil }
        var request = OAuthRequests.token(client: client, grant: .refreshToken(refresh))
        request.timeout = timeout
        guard let response = try? await transport.send(request),
              let fresh = try? OAuthResponseParser.token(response) else { return nil }
        return fresh.accessToken
    }

    /// Why an answer did not confirm a revocation: the provider's error code when it sent
    /// one (Slack's `"ok": false` comes with `"error"`), else the unmet `successJson`
    /// value, else the status. What the provider wrote is outside text (redacted).
    static func revocationReason(_ response: HTTPResponse, style: RevocationOptions) -> Message {
        do {
            _ = try OAuthResponseParser.fields(of: response, what: "revocation endpoint")
        } catch {
            return "\(outside: error)"
        }
        if style.successStatus.contains(response.status), let unmet = style.unmetJsonExpectation(in: response) {
            return "HTTP \(response.status), but \(name: unmet.path) is \(outside: unmet.found), not \(name: unmet.expected.description)"
        }
        return "HTTP \(response.status)"
    }
}
