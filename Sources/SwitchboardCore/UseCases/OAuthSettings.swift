/// OAuth configuration that comes from outside the store, resolved in one place for the
/// CLI and the wizard alike.
package struct OAuthSettings: Sendable, Equatable {
    /// The team's registered callback URL, served by `switchboard callback-server`: CONNECT
    /// then waits for the callback through the database instead of a loopback catcher.
    package var teamCallbackURL: String?

    package init(teamCallbackURL: String? = nil) {
        self.teamCallbackURL = teamCallbackURL
    }

    /// `explicit` (a command-line option) wins over `$SWITCHBOARD_CALLBACK_URL`; empty means unset.
    package static func resolve(explicitCallbackURL explicit: String? = nil, environment: [String: String]) -> OAuthSettings {
        let url = [explicit, environment["SWITCHBOARD_CALLBACK_URL"]].lazy.compactMap { $0 }.first { !$0.isEmpty }
        return OAuthSettings(teamCallbackURL: url)
    }
}
