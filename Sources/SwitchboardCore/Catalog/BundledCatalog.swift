import Foundation

/// The components shipped inside Switchboard: `catalog/*.yaml`, compiled into the binary
/// by the EmbedCatalog build plugin (same YAML format as custom components).
package enum BundledCatalog {
    /// (file name, YAML text), sorted by name.
    package static var files: [(name: String, text: String)] { EmbeddedCatalog.files }

    /// Every bundled component, parsed and validated. A broken bundled file is a build
    /// defect, reported like any definition error.
    package static func components() throws -> [Located<Component>] {
        var result: [Located<Component>] = []
        for file in files {
            let batch = try DefinitionParser.parse(yaml: file.text, file: "bundled:\(file.name)")
            for component in batch.components {
                try DefinitionValidator.validate(component)
                result.append(component)
            }
        }
        return result
    }
}
