// Fuzz target `definitions`: definition import (SPEC §11) without the database.
//
// The bytes are one definition file. They go through what `Store.importDefinitions` does
// before it opens a transaction: decode as UTF-8 (as YAMLBounds.readFile does), parse every
// document, validate every component, resolve every integration against the components of
// the same file, then the bundled catalog (read once from FUZZ_CATALOG, by default
// Sources/SwitchboardCore/Resources/catalog under the working directory; scripts/fuzz runs
// from the repository root). Thrown errors are answers; a trap, an ASan report, a timeout
// (alias expansion, regex backtracking) or running out of memory is a finding.
//
// Invariants checked on top of "does not crash":
//  - every error renders to a sentence (its description is what a person reads);
//  - a component that validates survives the JSON round trip the store does
//    (sorted keys, unescaped slashes) unchanged, so "unchanged" detection stays honest.
import Foundation
@testable import SwitchboardCore

private let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
}()

/// The bundled components, as `BundledCatalog.components()` reads them from the package
/// resources (not available to a binary built outside SwiftPM).
private let bundled: [String: Component] = {
    let directory = ProcessInfo.processInfo.environment["FUZZ_CATALOG"] ?? "Sources/SwitchboardCore/Resources/catalog"
    var result: [String: Component] = [:]
    for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted() where name.hasSuffix(".yaml") {
        guard let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8),
              let batch = try? DefinitionParser.parse(yaml: text, file: "bundled:" + name) else { continue }
        for located in batch.components where (try? DefinitionValidator.validate(located)) != nil {
            result[located.value.key] = located.value
        }
    }
    return result
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDefinitions(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // The importer rejects a file that is not UTF-8 before parsing it.
    guard let text = String(validating: bytes, as: UTF8.self) else { return -1 }
    let batch: DefinitionBatch
    do {
        batch = try DefinitionParser.parse(yaml: text, file: "fuzz.yaml")
    } catch {
        _ = String(describing: error)
        return 0
    }
    var components: [String: Component] = [:]
    for located in batch.components {
        do {
            try DefinitionValidator.validate(located)
        } catch {
            _ = String(describing: error)
            continue
        }
        let component = located.value
        let json = try! encoder.encode(component)
        let back = try! JSONDecoder().decode(Component.self, from: json)
        precondition(back == component, "component \(component.key) does not survive the JSON round trip")
        components[component.key] = component
    }
    for located in batch.integrations {
        do {
            let resolved = try DefinitionValidator.resolve(located) { components[$0] ?? bundled[$0] }
            let json = try! encoder.encode(resolved)
            let back = try! JSONDecoder().decode(ResolvedIntegration.self, from: json)
            precondition(back == resolved, "integration \(resolved.key) does not survive the JSON round trip")
        } catch {
            _ = String(describing: error)
        }
    }
    return 0
}
