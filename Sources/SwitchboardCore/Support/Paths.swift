import Foundation

/// Where Switchboard keeps its files, following the XDG base directory spec.
package enum Paths {
    package static func defaultDatabase(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        dataHome(environment) + "/switchboard/switchboard.sqlite"
    }

    /// `--db` wins, then `SWITCHBOARD_DB`, then the embedded default.
    package static func database(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let env = environment["SWITCHBOARD_DB"], !env.isEmpty { return env }
        return defaultDatabase(environment: environment)
    }

    package static func keyFile(environment: [String: String]) -> String {
        configHome(environment) + "/switchboard/master.key"
    }

    package static func configHome(_ environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg }
        return home(environment) + "/.config"
    }

    package static func dataHome(_ environment: [String: String]) -> String {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg }
        return home(environment) + "/.local/share"
    }

    static func home(_ environment: [String: String]) -> String {
        environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
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
