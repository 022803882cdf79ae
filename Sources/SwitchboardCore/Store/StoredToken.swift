import Foundation

/// OAuth tokens as sealed in the `token` table: the whole JSON is encrypted.
package struct StoredToken: Codable, Sendable, Equatable {
    package var accessToken: String
    package var tokenType: String?
    package var refreshToken: String?
    package var scope: String?
    package var expiresAt: String?

    package init(accessToken: String, tokenType: String? = nil, refreshToken: String? = nil, scope: String? = nil, expiresAt: String? = nil) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.refreshToken = refreshToken
        self.scope = scope
        self.expiresAt = expiresAt
    }

    package var secretValues: [String] { [accessToken, refreshToken].compactMap { $0 } }

    static func decode(_ text: String) throws -> StoredToken { try JSON.decode(StoredToken.self, from: text) }
    func encoded() throws -> String { try JSON.encode(self) }
}
