import Foundation

/// A device authorization response (RFC 8628 §3.2). `deviceCode` is a secret.
package struct DeviceAuthorization: Sendable, Equatable, CustomStringConvertible {
    package var deviceCode: String
    package var userCode: String
    package var verificationURI: String
    package var verificationURIComplete: String?
    package var expiresIn: Int
    /// Seconds between polls; 5 when the provider does not say (§3.2).
    package var interval: Int

    package init(deviceCode: String, userCode: String, verificationURI: String, verificationURIComplete: String? = nil, expiresIn: Int, interval: Int = 5) {
        self.deviceCode = deviceCode
        self.userCode = userCode
        self.verificationURI = verificationURI
        self.verificationURIComplete = verificationURIComplete
        self.expiresIn = expiresIn
        self.interval = interval
    }

    package var description: String {
        "DeviceAuthorization(user code \(userCode), \(verificationURI), expires in \(expiresIn) s, interval \(interval) s)"
    }
}

extension OAuthResponseParser {
    package static func deviceAuthorization(_ response: HTTPResponse) throws -> DeviceAuthorization {
        let object = try fields(of: response, what: "device authorization endpoint")
        guard let deviceCode = string(object["device_code"]), !deviceCode.isEmpty,
              let userCode = string(object["user_code"]), !userCode.isEmpty,
              // Google spells it verification_url.
              let uri = string(object["verification_uri"]) ?? string(object["verification_url"]), !uri.isEmpty else {
            throw OAuthError.unexpectedResponse(
                "the device authorization endpoint answered HTTP \(response.status) without device_code, user_code and verification_uri")
        }
        let complete = string(object["verification_uri_complete"]) ?? string(object["verification_url_complete"])
        return DeviceAuthorization(
            deviceCode: deviceCode, userCode: singleLine(userCode), verificationURI: singleLine(uri),
            verificationURIComplete: complete.flatMap { $0.isEmpty ? nil : singleLine($0) },
            expiresIn: integer(object["expires_in"]).map { max(1, $0) } ?? 600,
            interval: integer(object["interval"]).map { max(1, $0) } ?? 5)
    }
}

/// What one device access token poll means (RFC 8628 §3.5).
package enum DevicePollStep: Sendable, Equatable {
    case tokens(TokenResponse)
    /// `authorization_pending`: ask again after the interval.
    case pending
    /// `slow_down`: add 5 seconds to the interval, for this and every later poll.
    case slowDown
    /// `access_denied`, `expired_token` or any other error: stop.
    case failed(OAuthError)

    package static func interpret(_ response: HTTPResponse, keepMetadata: [String]) -> DevicePollStep {
        do {
            return .tokens(try OAuthResponseParser.token(response, keepMetadata: keepMetadata))
        } catch let error as OAuthError {
            switch error.providerCode {
            case "authorization_pending": return .pending
            case "slow_down": return .slowDown
            default: return .failed(error)
            }
        } catch {
            return .failed(.unexpectedResponse("the token endpoint's answer could not be read"))
        }
    }
}

/// Polls the token endpoint until the person approves or denies on the other device,
/// or the device code expires.
package struct DevicePoller: Sendable {
    package let transport: any HTTPTransport
    /// Waits between polls; injected so tests run without real delays.
    package let sleep: @Sendable (Duration) async throws -> Void
    package let now: @Sendable () -> Date

    package init(transport: any HTTPTransport,
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.transport = transport
        self.sleep = sleep
        self.now = now
    }

    /// `progress` hears about each poll (for the log); it never receives a secret.
    package func poll(client: OAuthClient, authorization: DeviceAuthorization,
                     progress: @Sendable (String) -> Void = { _ in }) async throws -> TokenResponse {
        let deadline = now().addingTimeInterval(TimeInterval(authorization.expiresIn))
        var interval = authorization.interval
        var networkFailures = 0
        while true {
            try await sleep(.seconds(interval))
            guard now() < deadline else {
                throw OAuthError.provider(code: "expired_token", description: "the device code expired before it was approved", status: 400)
            }
            let response: HTTPResponse
            do {
                response = try await transport.send(OAuthRequests.token(client: client, grant: .deviceCode(authorization.deviceCode)))
                networkFailures = 0
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // §3.5: back off on connection trouble instead of hammering.
                networkFailures += 1
                if networkFailures >= 5 { throw OAuthError.network("the token endpoint could not be reached 5 times in a row: \(error)") }
                interval *= 2
                progress("token endpoint unreachable; next poll in \(interval) s")
                continue
            }
            switch DevicePollStep.interpret(response, keepMetadata: client.options.tokenMetadata) {
            case .tokens(let tokens): return tokens
            case .pending: continue
            case .slowDown:
                interval += 5
                progress("provider asked to slow down; polling every \(interval) s")
            case .failed(let error): throw error
            }
        }
    }
}
