import Foundation

/// Removes every known secret value from a message before it is stored or shown (SPEC §5).
package struct Redactor: Sendable {
    package static let mask = "[redacted]"
    private let secrets: [String]
    var secretValues: [String] { secrets }

    package init(secrets: [String]) {
        // Longest first, so a secret that contains another is removed whole.
        self.secrets = Array(Set(secrets.filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    package func redact(_ message: String) -> String {
        var result = message
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        return CutEdge.mask(result, values: secrets, with: Self.mask)
    }

    /// The last line of defence over a typed message: text from outside loses every known
    /// secret; our own words and classified values are left to their classes.
    package func redactOutside(_ message: Message) -> Message {
        Message(message.parts.map { part in
            switch part {
            case .outside(let text): .outside(redact(text))
            case .perAudience(let team, let customer): .perAudience(team: redact(team), customer: redact(customer))
            case .text, .field, .value: part
            }
        })
    }
}
