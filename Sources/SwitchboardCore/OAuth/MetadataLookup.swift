import Foundation

/// `oauth2: lookup:` — a request sent once right after CONNECT, with the new access token,
/// whose JSON answer fills connection metadata that the token response does not carry.
/// Atlassian's tokens work for every site the person granted, and API calls need the
/// site's cloud id: `GET https://api.atlassian.com/oauth/token/accessible-resources`
/// answers `[{"id": …, "url": …}]`, kept as `cloudId` (path `0.id`) and `siteUrl`.
package struct MetadataLookup: Codable, Sendable, Hashable {
    /// May name token and callback metadata (`{{instance_url}}`), never a field: the
    /// request carries the access token, so its address comes from the definition or the
    /// provider, not from a value someone typed.
    package var url: String
    /// Sent as given (templates as in `url`, plus `{{access_token}}`); by default the
    /// token as Bearer credential and `Accept: application/json`.
    package var headers: [String: String]
    /// Metadata key → dotted path into the answer (`0.id`, `team.id`).
    package var keep: [String: String]

    package init(url: String, headers: [String: String] = [:], keep: [String: String]) {
        self.url = url
        self.headers = headers
        self.keep = keep
    }

    package static let defaultHeaders = ["Authorization": "Bearer {{access_token}}", "Accept": "application/json"]

    /// Every kept value from the answer, or why there is none: the first key whose path
    /// holds no string or number (a site list that is empty, an error answer).
    func values(from response: HTTPResponse) -> Result<[String: String], LookupFailure> {
        guard (200..<300).contains(response.status) else { return .failure(.status(response.status)) }
        guard let document = try? JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed]) else {
            return .failure(.notJSON)
        }
        var kept: [String: String] = [:]
        for (key, path) in keep.sorted(by: { $0.key < $1.key }) {
            // Kept as callback metadata is: handed to step code, shown in listings and put in
            // request templates, so one short printable line only.
            switch ExpectedJSON.value(at: path, in: document) {
            case let text as String where !text.isEmpty:
                guard text.utf8.count <= 512, !TerminalText.containsControl(text) else { return .failure(.unusable(key: key, path: path)) }
                kept[key] = text
            case let number as NSNumber: kept[key] = number.stringValue
            default: return .failure(.missing(key: key, path: path))
            }
        }
        return .success(kept)
    }

    package enum LookupFailure: Error, Sendable, Equatable, CustomStringConvertible {
        case status(Int)
        case notJSON
        case missing(key: String, path: String)
        /// Longer than 512 bytes or holding a control character.
        case unusable(key: String, path: String)
        case transport(String)

        package var description: String {
            switch self {
            case .status(let status): "the lookup answered HTTP \(status)"
            case .notJSON: "the lookup's answer is not JSON"
            case .missing(let key, let path): "the answer has no value at \(path) for \(key)"
            case .unusable(let key, let path): "the value at \(path) for \(key) is not one short printable line"
            case .transport(let error): error
            }
        }
    }
}
