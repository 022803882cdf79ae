/// The version Switchboard reports (User-Agent, `--version`).
public enum SwitchboardVersion {
    public static let current = "0.1.0"
}
