import Foundation
import Synchronization

package struct ImportResult: Sendable, Codable, Equatable {
    package struct Item: Sendable, Codable, Equatable {
        package var kind: String        // "component" | "integration"
        package var key: String
        package var version: Int?
        package var action: String      // "added" | "updated" | "unchanged"
    }
    package var items: [Item]
}

package struct CatalogEntry: Sendable, Codable, Equatable {
    package struct ConnectionSummary: Sendable, Codable, Equatable {
        package var key: String
        package var label: String
        package var oauth2: Bool
        package var grant: String?
        package var fields: [String]
    }
    package var key: String
    package var label: String
    package var source: String          // "bundled" | "imported"
    package var actions: [String]
    package var connections: [ConnectionSummary]
}

package struct IntegrationSummary: Sendable, Codable, Equatable {
    package var key: String
    package var name: String
    package var version: Int
    package var versions: [Int]
    package var variables: [String]
    package var steps: [String]
}

extension Store {
    /// Imports definition files all or nothing: any error means nothing was written.
    package func importDefinitions(_ files: [(path: String, text: String)]) throws -> ImportResult {
        try actor.authorize(.importDefinitions)
        var batch = DefinitionBatch()
        for file in files {
            let parsed = try DefinitionParser.parse(yaml: file.text, file: file.path)
            batch.components += parsed.components
            batch.integrations += parsed.integrations
        }
        var seen: [String: Located<Component>] = [:]
        for component in batch.components {
            if let earlier = seen[component.value.key] {
                throw SwitchboardError.definition(file: component.file, line: component.line,
                    message: "component \(component.value.key) is defined twice (also in \(earlier.file)\(earlier.line.map { ":\($0)" } ?? ""))")
            }
            seen[component.value.key] = component
            try DefinitionValidator.validate(component)
        }
        var seenIntegrations = Set<String>()
        for integration in batch.integrations where !seenIntegrations.insert(integration.value.key).inserted {
            throw SwitchboardError.definition(file: integration.file, line: integration.line, message: "integration \(integration.value.key) is defined twice in this import")
        }
        let bundled = try BundledCatalog.components()
        return try database.write { db in
            let box = try secretBox(db, writing: true)
            let stored = try storedComponents(db, box: box)
            func lookup(_ key: String) -> Component? {
                seen[key]?.value ?? stored[key] ?? bundled.first { $0.value.key == key }?.value
            }
            var items: [ImportResult.Item] = []
            let now = now()
            for located in batch.components {
                var component = located.value
                let secrets = SecretDefaults.extract(from: &component)
                let json = try JSON.encode(component)
                let existing = try db.record(ComponentRecord.self, "SELECT * FROM \"component\" WHERE \"key\" = ?", [component.key])
                let action = existing == nil ? "added" : (existing?.definition == json ? "unchanged" : "updated")
                let record = ComponentRecord(
                    key: component.key, label: component.label, definition: json,
                    sealedSecrets: secrets.isEmpty ? nil : try box.seal(JSON.encode(secrets)),
                    importedAt: now, importedBy: actor.user)
                // Saved: updated when the key is stored (read above, in this transaction), else inserted.
                if existing == nil { try record.insert(db) } else { try record.update(db) }
                items.append(.init(kind: "component", key: component.key, version: nil, action: action))
            }
            for located in batch.integrations {
                var resolved = try DefinitionValidator.resolve(located, components: lookup)
                let secrets = SecretDefaults.extract(from: &resolved)
                let json = try JSON.encode(resolved)
                let latest = try db.record(
                    IntegrationVersionRecord.self,
                    "SELECT * FROM \"integrationVersion\" WHERE \"key\" = ? ORDER BY \"version\" DESC LIMIT 1", [resolved.key])
                if let latest, latest.definition == json,
                   try latest.sealedSecrets.map({ try box.open($0) }) == (secrets.isEmpty ? nil : try JSON.encode(secrets)) {
                    items.append(.init(kind: "integration", key: resolved.key, version: latest.version, action: "unchanged"))
                    continue
                }
                var record = IntegrationVersionRecord(
                    id: nil, key: resolved.key, version: (latest?.version ?? 0) + 1, name: resolved.name, definition: json,
                    sealedSecrets: secrets.isEmpty ? nil : try box.seal(JSON.encode(secrets)),
                    importedAt: now, importedBy: actor.user)
                record.id = try record.insert(db)
                items.append(.init(kind: "integration", key: resolved.key, version: record.version, action: latest == nil ? "added" : "updated"))
            }
            return ImportResult(items: items)
        }
    }

    func storedComponents(_ db: any SQLConnection, box: SecretBox?) throws -> [String: Component] {
        var result: [String: Component] = [:]
        for record in try db.records(ComponentRecord.self, "SELECT * FROM \"component\"") {
            var component = try JSON.decode(Component.self, from: record.definition)
            if let sealed = record.sealedSecrets, let box {
                SecretDefaults.restore(into: &component, try JSON.decode([String: String].self, from: box.open(sealed)))
            }
            result[record.key] = component
        }
        return result
    }

    /// Bundled and imported components; an imported component of the same key wins.
    package func catalog() throws -> [CatalogEntry] {
        let stored = try database.read { db in try storedComponents(db, box: nil) }
        return try Self.catalog(imported: Array(stored.values), role: actor.role)
    }

    /// The catalog of a store holding `imported` (none: what a new store starts with).
    package static func catalog(imported: [Component], role: Role) throws -> [CatalogEntry] {
        var entries: [String: CatalogEntry] = [:]
        for located in try BundledCatalog.components() {
            entries[located.value.key] = Self.entry(located.value, source: "bundled")
        }
        for component in imported {
            entries[component.key] = Self.entry(component, source: "imported")
        }
        if role.isCustomer {
            // Which of a component's fields an integration hides is the team's business: a
            // customer's catalog names components and connection types, not field keys.
            for key in entries.keys {
                for index in entries[key]!.connections.indices { entries[key]!.connections[index].fields = [] }
            }
        }
        return entries.values.sorted { $0.key < $1.key }
    }

    static func entry(_ component: Component, source: String) -> CatalogEntry {
        CatalogEntry(
            key: component.key, label: component.label, source: source, actions: component.actions,
            connections: component.connections.map {
                .init(key: $0.key, label: $0.label, oauth2: $0.oauth2 != nil, grant: $0.oauth2?.grant.rawValue, fields: $0.fields.map(\.key))
            })
    }

    package func integrations() throws -> [IntegrationSummary] {
        try database.read { db in
            let records = try db.records(IntegrationVersionRecord.self, "SELECT * FROM \"integrationVersion\" ORDER BY \"key\", \"version\"")
            var result: [IntegrationSummary] = []
            for (key, versions) in Dictionary(grouping: records, by: \.key).sorted(by: { $0.key < $1.key }) {
                guard let latest = versions.last else { continue }
                let resolved = try JSON.decode(ResolvedIntegration.self, from: latest.definition)
                result.append(IntegrationSummary(
                    key: key, name: latest.name, version: latest.version, versions: versions.map(\.version),
                    variables: resolved.variables.map(\.key), steps: resolved.steps.map(\.key)))
            }
            return result
        }
    }

    /// A stored integration version with its secret defaults restored.
    func integrationVersion(_ db: any SQLConnection, id: Int64, box: SecretBox?) throws -> (record: IntegrationVersionRecord, resolved: ResolvedIntegration) {
        guard let record = try db.record(IntegrationVersionRecord.self, "SELECT * FROM \"integrationVersion\" WHERE \"id\" = ?", [id]) else {
            throw SwitchboardError.notFound("integration version \(id) is missing from the database")
        }
        var resolved = try DecodedDefinitions.resolved(id: id, definition: record.definition)
        if let sealed = record.sealedSecrets, let box {
            SecretDefaults.restore(into: &resolved, try JSON.decode([String: String].self, from: box.open(sealed)))
        }
        return (record, resolved)
    }
}

/// Integration definitions decoded once per process. Decoding one is JSONDecoder over every
/// variable and field (7.8 KB for the demo catalog: a quarter of a failed refresh's CPU,
/// perf over 2,000 refused connections, where each failure's event opened the version
/// again), and a stored definition never changes. An entry is used only for the very text
/// it was decoded from, so another store's version of the same id, or a row rewritten by
/// an upgrade, is decoded afresh; secret defaults are restored by the caller each time.
enum DecodedDefinitions {
    private struct Entry: Sendable {
        var definition: String
        var resolved: ResolvedIntegration
    }
    private static let entries = Mutex<[Int64: Entry]>([:])
    /// Versions kept at most; past it the cache starts over (a process opens a handful).
    static let limit = 64

    static func resolved(id: Int64, definition: String) throws -> ResolvedIntegration {
        if let entry = entries.withLock({ $0[id] }), sameBytes(entry.definition, definition) { return entry.resolved }
        let resolved = try JSON.decode(ResolvedIntegration.self, from: definition)
        entries.withLock {
            if $0.count >= limit { $0.removeAll(keepingCapacity: true) }
            $0[id] = Entry(definition: definition, resolved: resolved)
        }
        return resolved
    }

    /// Byte for byte, not String's `==`, which calls canonically equivalent texts equal
    /// ("é" precomposed or not): an entry is reused only for the very bytes it was read from.
    static func sameBytes(_ first: String, _ second: String) -> Bool {
        var first = first, second = second
        return first.withUTF8 { a in
            second.withUTF8 { b in a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0) }
        }
    }
}
