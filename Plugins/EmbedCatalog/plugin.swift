import Foundation
import PackagePlugin

/// Compiles `catalog/*.yaml` into the target that uses it (as `EmbeddedCatalog.files`),
/// so the installed binary is self-contained (SPEC §15). A build plugin rather than a
/// checked-in copy: the YAML files stay the only source, and an edit rebuilds.
@main
struct EmbedCatalog: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "catalog")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path(percentEncoded: false))
            .filter { $0.hasSuffix(".yaml") }.sorted()
        let inputs = names.map { directory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedCatalog.swift")
        return [.buildCommand(
            displayName: "Embedding \(inputs.count) catalog files",
            executable: try context.tool(named: "embed-files").url,
            arguments: [output.path(percentEncoded: false), "EmbeddedCatalog"] + inputs.map { $0.path(percentEncoded: false) },
            inputFiles: inputs,
            outputFiles: [output])]
    }
}
