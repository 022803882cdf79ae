import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// SPEC §15: the binary carries what it reads, so a copy at /usr/local/bin (where an SSH
/// forced command finds it) works with no build folder beside it; and the conventions
/// scripts rely on: `--version`, usage errors exit 2.
@Suite("CLI: installed binary and conventions")
struct CLIInstallTests {
    @Test("a copy of the binary elsewhere runs catalog and import, with no resource bundle beside it")
    func copiedBinaryIsSelfContained() async throws {
        let sb = try CLISandbox()
        let directory = sb.directory + "/prefix/bin"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let copy = directory + "/switchboard"
        try FileManager.default.copyItem(atPath: CLISandbox.binary, toPath: copy)
        // Nothing the product needs lives in a bundle next to the build's binary.
        let buildFolder = (CLISandbox.binary as NSString).deletingLastPathComponent
        #expect(!FileManager.default.fileExists(atPath: buildFolder + "/Switchboard_SwitchboardCore.resources"))

        let catalog = try await sb.run(["catalog", "--json"], binary: copy)
        #expect(catalog.status == 0, "\(catalog.stderr)")
        let components = try #require(try catalog.json()["components"] as? [[String: Any]])
        let bundled = components.filter { $0["source"] as? String == "bundled" }.compactMap { $0["key"] as? String }
        #expect(bundled.count == BundledCatalog.files.count && bundled.contains("salesforce") && bundled.contains("amazon-s3"))

        let file = try sb.write("test-api.yaml", Fixtures.testAPI)
        let imported = try await sb.run(["import", file], binary: copy)
        #expect(imported.status == 0, "\(imported.stderr)")
    }

    @Test("the compiled-in catalog is catalog/*.yaml byte for byte")
    func embeddedCatalogMatchesTheFiles() throws {
        let directory = Checkout.root + "/catalog"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(BundledCatalog.files.map(\.name) == names)
        for file in BundledCatalog.files {
            #expect(file.text == (try String(contentsOfFile: directory + "/" + file.name, encoding: .utf8)), "\(file.name) differs")
        }
    }

    @Test("--version prints the version alone; a usage error exits 2 with one line")
    func versionAndUsage() async throws {
        let sb = try CLISandbox()
        let version = try await sb.ok(["--version"])
        #expect(version.stdout == SwitchboardVersion.current + "\n")
        for wrong in [["logs"], ["status", "--bogus"], ["connect", "a", "b", "--port", "99999"], ["no-such-command"]] {
            let result = try await sb.run(wrong)
            #expect(result.status == 2, "\(wrong): \(result.stderr)")
            #expect(result.errorLine.split(separator: "\n").count == 1, "\(wrong): \(result.stderr)")
            #expect(result.errorLine.hasPrefix("switchboard: "))
        }
    }

    @Test("completion scripts and the man page come from the command definitions")
    func completionsNameEveryCommand() async throws {
        let sb = try CLISandbox()
        for shell in ["bash", "zsh", "fish"] {
            let script = try await sb.ok(["--generate-completion-script", shell]).stdout
            for command in ["connect", "disconnect", "refresh", "callback-server", "logs", "run"] {
                #expect(script.contains(command), "\(shell) completion lacks \(command)")
            }
        }
    }
}
