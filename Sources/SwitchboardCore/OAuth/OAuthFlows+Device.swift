import Foundation

extension OAuthFlows {
    /// RFC 8628 §3.1: asks for a device code and the user code to show.
    package func beginDeviceAuthorization(_ connection: OAuthConnection, progress: @escaping Progress = { _ in }) async throws -> DeviceAuthorization {
        guard connection.client.deviceAuthorizationUrl != nil else {
            throw SwitchboardError.usage("\(connection.label): the connection type declares no deviceAuthorizationUrl, so the device code flow is not available")
        }
        let authorization: DeviceAuthorization
        do {
            let response: HTTPResponse
            do {
                response = try await transport.send(OAuthRequests.deviceAuthorization(client: connection.client))
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw OAuthError.network(connection.redactor().redact("\(error)"))
            }
            authorization = try OAuthResponseParser.deviceAuthorization(response)
        } catch let error as OAuthError {
            try store.recordOAuthFailure(connection, "CONNECT (device code) failed: \(outside: error)", setError: false)
            throw SwitchboardError.oauth(connection.readerText("the device authorization request failed: \(error)"))
        }
        try store.logOAuth(connection, level: .info,
                           "CONNECT started (device code): waiting for approval at \(outside: authorization.verificationURI) (expires in \(authorization.expiresIn) s)",
                           redacting: [authorization.deviceCode])
        progress(.device(userCode: authorization.userCode, verificationURI: authorization.verificationURI,
                         completeURI: authorization.verificationURIComplete, expiresIn: authorization.expiresIn,
                         interval: authorization.interval))
        return authorization
    }

    /// Polls until the person approves (tokens stored), denies, or the code expires.
    @discardableResult
    package func completeDeviceAuthorization(_ connection: OAuthConnection, _ authorization: DeviceAuthorization,
                                            poller: DevicePoller? = nil, progress: @escaping Progress = { _ in }) async throws -> StoredToken {
        let poller = poller ?? DevicePoller(transport: transport)
        let response: TokenResponse
        do {
            response = try await poller.poll(client: connection.client, authorization: authorization) { note in
                progress(.devicePolling(note))
            }
        } catch let error as OAuthError {
            try store.recordOAuthFailure(connection, "CONNECT (device code) failed: \(outside: error)", setError: false, redacting: [authorization.deviceCode])
            throw SwitchboardError.oauth(connection.readerText("the device authorization did not complete: \(error)", redacting: [authorization.deviceCode]))
        }
        let token = try store.storeTokens(connection, response, source: .deviceCode)
        progress(.stored(expiresAt: token.expiresAt))
        return token
    }
}
