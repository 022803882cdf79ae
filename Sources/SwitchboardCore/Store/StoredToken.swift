import Foundation

/// OAuth tokens as sealed in the `token` table: the whole JSON is encrypted.
package struct StoredToken: Codable, Sendable, Equatable {
    package var accessToken: String
    package var tokenType: String?
    package var refreshToken: String?
    package var scope: String?
    package var expiresAt: String?
    /// True when `expiresAt` is the type's `assumedLifetime`, not the provider's word: a
    /// 401 may then mean it ended sooner. Optional so tokens sealed before it decode.
    package var expiryAssumed: Bool?

    package init(accessToken: String, tokenType: String? = nil, refreshToken: String? = nil, scope: String? = nil, expiresAt: String? = nil,
                 expiryAssumed: Bool? = nil) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.refreshToken = refreshToken
        self.scope = scope
        self.expiresAt = expiresAt
        self.expiryAssumed = expiryAssumed
    }

    /// The expiry the provider gave, else the assumed one (`expiryAssumed` says which).
    static func expiry(_ response: TokenResponse, receivedAt: Date, assumedLifetime: Int?) -> (String?, Bool?) {
        if let given = response.expiresAt(after: receivedAt) { return (Timestamp.string(from: given), nil) }
        guard let assumedLifetime else { return (nil, nil) }
        return (Timestamp.string(from: receivedAt.addingTimeInterval(TimeInterval(assumedLifetime))), true)
    }

    /// Whether the provider told when this token ends.
    package var expiryKnown: Bool { expiresAt != nil && expiryAssumed != true }

    package var secretValues: [String] { [accessToken, refreshToken].compactMap { $0 } }

    static func decode(_ text: String) throws -> StoredToken { try JSON.decode(StoredToken.self, from: text) }
    func encoded() throws -> String { try JSON.encode(self) }
}
