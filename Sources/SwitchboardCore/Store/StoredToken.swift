import Foundation

/// OAuth tokens as sealed in the `token` table: the whole JSON is encrypted.
public struct StoredToken: Codable, Sendable, Equatable {
    public var accessToken: String
    public var tokenType: String?
    public var refreshToken: String?
    public var scope: String?
    public var expiresAt: String?

    public init(accessToken: String, tokenType: String? = nil, refreshToken: String? = nil, scope: String? = nil, expiresAt: String? = nil) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.refreshToken = refreshToken
        self.scope = scope
        self.expiresAt = expiresAt
    }

    public var secretValues: [String] { [accessToken, refreshToken].compactMap { $0 } }

    static func decode(_ text: String) throws -> StoredToken { try JSON.decode(StoredToken.self, from: text) }
    func encoded() throws -> String { try JSON.encode(self) }
}
