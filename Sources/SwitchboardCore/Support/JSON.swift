import Foundation

/// Stable JSON for stored definitions: sorted keys, so "unchanged" can be detected by text.
enum JSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw SwitchboardError.database("a stored \(type) could not be read; the database may be from a newer Switchboard")
        }
    }
}
