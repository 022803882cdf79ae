import Foundation

/// Where Switchboard keeps its files, following the XDG base directory spec.
package enum Paths {
    package static func defaultDatabase(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        defaultDatabase(variable: { environment[$0] })
    }

    /// `--db` wins, then `SWITCHBOARD_DB`, then the embedded default.
    package static func database(option: String?, environment: [String: String]) -> String {
        database(option: option, variable: { environment[$0] })
    }

    /// The same, reading the process environment with `getenv`: every command resolves
    /// the path at start, and `ProcessInfo.processInfo.environment` copies every variable
    /// into a dictionary first (about 470,000 instructions a call, callgrind) to read two.
    package static func database(option: String?) -> String {
        database(option: option, variable: processVariable)
    }

    /// One variable of the process environment, read with `getenv`.
    package static func processVariable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    package static func configHome(_ environment: [String: String]) -> String {
        configHome(variable: { environment[$0] })
    }

    package static func dataHome(_ environment: [String: String]) -> String {
        dataHome(variable: { environment[$0] })
    }

    static func home(_ environment: [String: String]) -> String {
        home(variable: { environment[$0] })
    }

    // The rules, over a variable lookup (a dictionary in tests, getenv in the process).

    static func keyFile(variable: (String) -> String?) -> String {
        configHome(variable: variable) + "/switchboard/master.key"
    }

    private static func configHome(variable: (String) -> String?) -> String {
        if let xdg = variable("XDG_CONFIG_HOME"), xdg.hasPrefix("/") { return xdg }
        return home(variable: variable) + "/.config"
    }

    private static func database(option: String?, variable: (String) -> String?) -> String {
        if let option, !option.isEmpty { return option }
        if let env = variable("SWITCHBOARD_DB"), !env.isEmpty { return env }
        return defaultDatabase(variable: variable)
    }

    private static func defaultDatabase(variable: (String) -> String?) -> String {
        dataHome(variable: variable) + "/switchboard/switchboard.sqlite"
    }

    private static func dataHome(variable: (String) -> String?) -> String {
        if let xdg = variable("XDG_DATA_HOME"), xdg.hasPrefix("/") { return xdg }
        return home(variable: variable) + "/.local/share"
    }

    private static func home(variable: (String) -> String?) -> String {
        variable("HOME").flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    /// Creates the parent directory of `file` with mode 0700 when missing.
    package static func createPrivateDirectory(for file: String) throws {
        let dir = (file as NSString).deletingLastPathComponent
        guard !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) else { return }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SwitchboardError.io("cannot create directory \(dir): \(error.localizedDescription)")
        }
    }
}
