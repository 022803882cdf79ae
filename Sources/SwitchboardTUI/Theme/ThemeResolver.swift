import Foundation
import SwitchboardCore

/// Finds the theme to use: `--theme NAME`, else `SWITCHBOARD_THEME`, else `default`;
/// `NO_COLOR` (set and not empty) forces `mono`. A name is looked up as `NAME.theme` in
/// `$XDG_CONFIG_HOME/switchboard/themes`, then `./themes`, then the `themes/` of the
/// package the executable was built in; the built-ins are the last resort. A name with
/// a `/` or ending in `.theme` is a path.
package struct ThemeResolver: Sendable {
    package var environment: [String: String]
    package var currentDirectory: String
    package var executablePath: String?

    package init(environment: [String: String], currentDirectory: String = FileManager.default.currentDirectoryPath,
                executablePath: String? = CommandLine.arguments.first) {
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.executablePath = executablePath
    }

    package func resolve(_ requested: String?) throws -> Theme {
        var name = requested.flatMap { $0.isEmpty ? nil : $0 } ?? environment["SWITCHBOARD_THEME"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { name = "mono" }
        if name.contains("/") || name.hasSuffix(".theme") { return try load(path: name) }
        for directory in searchDirectories {
            let path = directory + "/" + name + ".theme"
            if FileManager.default.isReadableFile(atPath: path) { return try load(path: path) }
        }
        if let text = BuiltinThemes.all[name] { return try ThemeParser.parse(text, file: "built-in \(name)") }
        throw ThemeError(file: name, line: nil, key: nil, message: "no such theme (looked for \(name).theme in "
            + searchDirectories.joined(separator: ", ") + "; built-in: " + BuiltinThemes.all.keys.sorted().joined(separator: ", ") + ")")
    }

    /// Most specific first: the person's own themes, then the working directory's, then the package's.
    package var searchDirectories: [String] {
        var directories = [Paths.configHome(environment) + "/switchboard/themes", currentDirectory + "/themes"]
        if let packageThemes = packageThemesDirectory { directories.append(packageThemes) }
        return directories
    }

    /// The `themes/` beside `Package.swift` above the executable (`.build/debug/switchboard`).
    var packageThemesDirectory: String? {
        guard let executablePath, executablePath.contains("/") else { return nil }
        var directory = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let themes = directory.appendingPathComponent("themes").path
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
               FileManager.default.fileExists(atPath: themes) {
                return themes
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    func load(path: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(file: path, line: nil, key: nil, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, line: nil, key: nil, message: "the file is not UTF-8 text")
        }
        return try ThemeParser.parse(text, file: path)
    }
}
