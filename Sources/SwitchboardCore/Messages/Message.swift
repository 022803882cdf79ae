import Foundation

/// A log line, a reason, a test result: made of typed parts and rendered for an audience
/// (SPEC §12). What a part may show follows its class, decided where the part is made, so
/// no reader has to find a secret or a hidden value in finished text. The substring
/// redactors stay as the last line of defence for text from outside (a provider's body, a
/// step's stderr), whose contents no one can classify.
package struct Message: Sendable, Equatable, Codable, ExpressibleByStringInterpolation {
    package enum Part: Sendable, Equatable, Codable {
        /// Our own words, and names that every reader of the connection may see
        /// (instance, step, variable, integration).
        case text(String)
        /// A field named by the message. Naming a field a customer does not see would tell
        /// them it exists: a customer gets the whole message as one standard line instead.
        case field(key: String, label: String, customerVisible: Bool)
        /// A field's value or one derived from fields, with the strictest class it read.
        case value(String, ValueClass)
        /// Text from outside (a provider's error, a step's stderr), already passed through
        /// the secret redactor; a customer's copy also loses hidden fields' names and values.
        case outside(String)
        /// A text derived from values of several classes (a test request's URL), rendered
        /// twice where it was made: with secrets masked, and with hidden values masked too.
        case perAudience(team: String, customer: String)
    }

    package var parts: [Part]

    package init(_ parts: [Part]) { self.parts = parts }

    package static let mask = "•••"

    /// Whom a message is rendered for. A customer's rendering needs the connection's
    /// hidden fields only for `outside` parts.
    package enum Audience: Sendable {
        case team
        case customer(HiddenFieldRedactor)
    }

    /// The text for `audience`, at most `limit` characters. Every part is masked for its
    /// class before the whole is cut, so a cut can never leave part of a value behind.
    package func rendered(for audience: Audience, limit: Int = 2000) -> String {
        var out = ""
        for part in parts {
            switch (part, audience) {
            case (.text(let text), _):
                out += text
            case (.field(let key, let label, _), .team):
                out += "\(label) (\(key))"
            case (.field(let key, let label, let visible), .customer):
                guard visible else { return HiddenFieldRedactor.replacement }
                out += "\(label) (\(key))"
            case (.value(_, .secret), _), (.value(_, .hidden), .customer):
                out += Self.mask
            case (.value(let value, _), _):
                out += value
            case (.perAudience(let team, _), .team):
                out += team
            case (.perAudience(_, let customer), .customer):
                out += customer
            case (.outside(let text), .team):
                out += text
            case (.outside(let text), .customer(let redactor)):
                let redacted = redactor.redact(text)
                if redacted == HiddenFieldRedactor.replacement { return redacted }
                out += redacted
            }
        }
        // Characters are counted only past `limit` bytes: no text has more characters than
        // UTF-8 bytes, and counting them walks the grapheme breaks (2,000 instructions for a
        // refresh's log line, callgrind).
        return out.utf8.count <= limit || out.count <= limit ? out : String(out.prefix(limit - 1)) + "…"
    }

    /// The team's rendering, as stored in the `message` column for every reader that does
    /// not know parts.
    package var teamText: String { rendered(for: .team) }

    /// Text from outside as a whole message.
    package init(outside text: String) { parts = [.outside(text)] }

    // MARK: String interpolation: literal segments are our own words. Nothing else goes in
    // unlabelled: a number, a `name:` of our own records, a `field:`, a classified
    // `value:`, or `outside:` text. There is deliberately no catch-all, so an error or a
    // provider's string cannot slip into a message as if it were our words.

    package init(stringLiteral value: String) { parts = [.text(value)] }

    package init(stringInterpolation: Interpolation) { parts = stringInterpolation.parts }

    package struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        package init(literalCapacity: Int, interpolationCount: Int) {}
        package mutating func appendLiteral(_ literal: String) { parts.append(.text(literal)) }
        package mutating func appendInterpolation(_ number: Int) { parts.append(.text(String(number))) }
        package mutating func appendInterpolation(_ number: Int32) { parts.append(.text(String(number))) }
        package mutating func appendInterpolation(_ number: Int64) { parts.append(.text(String(number))) }
        /// A name or key of our own records that every reader of the connection may see:
        /// an instance, integration, step or variable, a version, a timestamp, a URL of ours.
        package mutating func appendInterpolation(name: String) { parts.append(.text(name)) }
        package mutating func appendInterpolation(outside error: any Error) { parts.append(.outside(String(describing: error))) }
        package mutating func appendInterpolation(field: FieldState) {
            parts.append(.field(key: field.key, label: field.label, customerVisible: field.customerVisible))
        }
        package mutating func appendInterpolation(value: String, _ valueClass: ValueClass) { parts.append(.value(value, valueClass)) }
        package mutating func appendInterpolation(outside text: String) { parts.append(.outside(text)) }
        package mutating func appendInterpolation(_ message: Message) { parts += message.parts }
    }

    package static func + (lhs: Message, rhs: Message) -> Message { Message(lhs.parts + rhs.parts) }

    // MARK: Storage

    /// The parts as JSON for the database (the `parts` and `reasonParts` columns).
    package var json: String {
        guard let written = writtenJSON() else { return encodedJSON }
        assert(Message.decode(json: written) == self, "Message.json's writer wrote what does not read back: \(written)")
        return written
    }

    /// What JSONEncoder writes for the parts: `json` for the messages its writer declines,
    /// and the reference it is checked against.
    var encodedJSON: String {
        (try? JSONEncoder().encode(parts)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// `json` written directly for the parts most messages hold (text, outside text,
    /// per-audience text) without control characters, whose escapes JSONEncoder may spell
    /// otherwise; nil for any other message. The same bytes as JSONEncoder's but for the
    /// order of a per-audience part's two keys, which is written here in declaration order
    /// and by JSONEncoder in its dictionary's, which changes from call to call
    /// (measured); readers decode either. JSONEncoder was a tenth of a failed refresh's CPU
    /// (perf: a log line and an event per failure) and 5,800 instructions of a refresh's
    /// log line (callgrind).
    private func writtenJSON() -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "["))
        for part in parts {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            switch part {
            case .text(let value):
                JSONText.append("{\"text\":{\"_0\":", to: &out)
                guard JSONText.appendString(value, to: &out, escapingSlash: true, refusingControls: true) else { return nil }
            case .outside(let value):
                JSONText.append("{\"outside\":{\"_0\":", to: &out)
                guard JSONText.appendString(value, to: &out, escapingSlash: true, refusingControls: true) else { return nil }
            case .perAudience(let team, let customer):
                JSONText.append("{\"perAudience\":{\"team\":", to: &out)
                guard JSONText.appendString(team, to: &out, escapingSlash: true, refusingControls: true) else { return nil }
                JSONText.append(",\"customer\":", to: &out)
                guard JSONText.appendString(customer, to: &out, escapingSlash: true, refusingControls: true) else { return nil }
            case .field, .value:
                return nil
            }
            JSONText.append("}}", to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    package static func decode(json: String?) -> Message? {
        guard let json, let parts = try? JSONDecoder().decode([Part].self, from: Data(json.utf8)) else { return nil }
        return Message(parts)
    }
}
