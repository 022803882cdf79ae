import Foundation

/// The components shipped inside Switchboard (package resources, same YAML format as
/// custom components).
public enum BundledCatalog {
    public static func files() -> [URL] {
        guard let dir = Bundle.module.url(forResource: "catalog", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// Every bundled component, parsed and validated. A broken bundled file is a build
    /// defect, reported like any definition error.
    public static func components() throws -> [Located<Component>] {
        var result: [Located<Component>] = []
        for url in files() {
            let text = try String(contentsOf: url, encoding: .utf8)
            let batch = try DefinitionParser.parse(yaml: text, file: "bundled:\(url.lastPathComponent)")
            for component in batch.components {
                try DefinitionValidator.validate(component)
                result.append(component)
            }
        }
        return result
    }
}
