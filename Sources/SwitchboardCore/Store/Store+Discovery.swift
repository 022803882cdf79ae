import Foundation

extension Store {
    /// The issuer's metadata cached at the last CONNECT (`AuthorizationServerMetadata`);
    /// nil before the first CONNECT or for a connection without `issuer`.
    func discovery(_ db: any SQLConnection, connectionId: Int64) throws -> AuthorizationServerMetadata? {
        Self.cachedDiscovery(try db.value(String.self, "SELECT \"discovery\" FROM \"connection\" WHERE \"id\" = ?", [connectionId]))
    }

    /// The connection's `discovery` column decoded. A cache: one that no longer decodes is
    /// fetched again at the next CONNECT.
    static func cachedDiscovery(_ json: String?) -> AuthorizationServerMetadata? {
        json.flatMap { try? JSON.decode(AuthorizationServerMetadata.self, from: $0) }
    }

    /// Caches what discovery found, logged with the document's address.
    func saveDiscovery(_ connection: OAuthConnection, _ metadata: AuthorizationServerMetadata) throws {
        try database.write { db in
            try db.execute("UPDATE \"connection\" SET \"discovery\" = ? WHERE \"id\" = ?", [try JSON.encode(metadata), connection.connectionId])
            let found = [("authorization", metadata.authorizationEndpoint), ("token", metadata.tokenEndpoint),
                         ("revocation", metadata.revocationEndpoint), ("device authorization", metadata.deviceAuthorizationEndpoint)]
                .filter { $0.1 != nil }.map(\.0).joined(separator: ", ")
            let message: Message = "Discovered the issuer's endpoints (\(name: found.isEmpty ? "none" : found)) at \(outside: metadata.source)"
                + (metadata.issParameterSupported ? "; its callbacks must carry iss (RFC 9207)" : "")
            try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .info,
                          message: connection.redactor().redactOutside(connection.forAudiences(message)))
        }
    }
}
