/// The version Switchboard reports (User-Agent, `--version`).
package enum SwitchboardVersion {
    package static let current = "0.1.0"
}
