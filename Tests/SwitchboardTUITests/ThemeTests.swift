import Foundation
import SwitchboardCore
import Testing
@testable import SwitchboardTUI

@Suite struct ThemeTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "switchboard-themes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(arguments: ["default", "high-contrast", "mono"])
    func builtInsEqualTheFilesAndStyleEveryRole(name: String) throws {
        let file = try String(contentsOf: Self.packageRoot.appendingPathComponent("themes/\(name).theme"), encoding: .utf8)
        #expect(BuiltinThemes.all[name] == file, "themes/\(name).theme and BuiltinThemes differ: copy the file into BuiltinThemes.swift")
        let theme = try ThemeParser.parse(file, file: "themes/\(name).theme", fallback: nil)
        for role in StyleRole.all { #expect(theme.styles[role] != nil, "\(name) does not style \(role.themeKey)") }
        #expect(theme.name == name)
    }

    @Test func monoUsesNoColourAndBadgesDiffer() throws {
        let mono = Theme.mono
        #expect(!mono.usesColor)
        let badges = Set(ConnectionStatus.allCases.map { mono.style(for: .badge($0)) })
        #expect(badges.count == 4)
    }

    @Test func parsesColoursAndAttributes() throws {
        let theme = try ThemeParser.parse("badge.ok = white on red, bold, underline\nfocus = on blue\nborders = ascii\n", file: "t.theme")
        #expect(theme.style(for: .badge(.ok)) == TextStyle(foreground: .ansi(7, bright: false), background: .ansi(1, bright: false),
                                                            bold: true, underline: true))
        #expect(theme.style(for: .focus).background == .ansi(4, bright: false))
        #expect(theme.glyphs == .ascii)
        // Keys left out take mono's style.
        #expect(theme.style(for: .error) == Theme.mono.style(for: .error))
    }

    @Test func errorsNameFileLineAndKey() {
        #expect(throws: ThemeError(file: "my.theme", line: 3, key: "badge.ok",
                                   message: "unknown colour `grean` (expected default, grey, black, red, green, yellow, blue, magenta, cyan, white, bright-NAME or color0…color255)")) {
            try ThemeParser.parse("# comment\nname = x\nbadge.ok = grean, bold\n", file: "my.theme")
        }
        do {
            _ = try ThemeParser.parse("badge.okay = green\n", file: "my.theme")
            Issue.record("an unknown key must fail")
        } catch {
            #expect("\(error)".hasPrefix("theme my.theme:1: badge.okay: unknown key"))
        }
        do {
            _ = try ThemeParser.parse("focus = green, blinking\n", file: "my.theme")
            Issue.record("an unknown attribute must fail")
        } catch {
            #expect("\(error)".hasPrefix("theme my.theme:1: focus: unknown attribute `blinking`"))
        }
        #expect(throws: ThemeError.self) { try ThemeParser.parse("just words\n", file: "my.theme") }
    }

    @Test func resolutionOrderAndNoColor() throws {
        let config = try temporaryDirectory(), work = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: config + "/switchboard/themes", withIntermediateDirectories: true)
        try "name = mine\nfocus = red\n".write(toFile: config + "/switchboard/themes/mine.theme", atomically: true, encoding: .utf8)
        var resolver = ThemeResolver(environment: ["XDG_CONFIG_HOME": config, "HOME": "/nonexistent"], currentDirectory: work, executablePath: nil)
        #expect(try resolver.resolve(nil).name == "default")
        #expect(try resolver.resolve("mine").name == "mine")
        #expect(try resolver.resolve("high-contrast").name == "high-contrast")
        resolver.environment["SWITCHBOARD_THEME"] = "mine"
        #expect(try resolver.resolve(nil).name == "mine")
        #expect(try resolver.resolve("high-contrast").name == "high-contrast")  // --theme wins
        resolver.environment["NO_COLOR"] = "1"
        #expect(try resolver.resolve("high-contrast").name == "mono")
        resolver.environment["NO_COLOR"] = ""
        #expect(try resolver.resolve(nil).name == "mine")
        #expect(throws: ThemeError.self) { try resolver.resolve("nope") }
    }

    @Test func packageThemesAreFoundFromTheBuiltExecutable() {
        let executable = Self.packageRoot.appendingPathComponent(".build/debug/switchboard").path
        let resolver = ThemeResolver(environment: ["HOME": "/nonexistent"], currentDirectory: "/", executablePath: executable)
        #expect(resolver.searchDirectories.last == Self.packageRoot.appendingPathComponent("themes").path)
    }

    @Test func eightColourFallback() {
        #expect(ThemeColor.ansi(2, bright: true).cursesColor(colors: 256) == (10, false))
        #expect(ThemeColor.ansi(2, bright: true).cursesColor(colors: 8) == (2, true))
        #expect(ThemeColor.grey.cursesColor(colors: 8) == (7, false))
        #expect(ThemeColor.grey.cursesColor(colors: 16) == (8, false))
        #expect(ThemeColor.indexed(196).cursesColor(colors: 8) == (1, false))  // bright red in the cube
        #expect(ThemeColor.indexed(236).cursesColor(colors: 8) == (0, false))
        #expect(ThemeColor.terminalDefault.cursesColor(colors: 8) == (-1, false))
    }
}
