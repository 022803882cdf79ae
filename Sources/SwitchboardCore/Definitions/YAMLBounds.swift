import CYaml
import Foundation

/// Limits on a definition file, checked on libyaml's event stream before any node tree is
/// built (SPEC §12: hostile input is bounded). Composing first is what made a 545-byte
/// file of nested aliases used as mapping keys run for minutes: Yams hashes every mapping
/// key to find duplicates, and an alias key hashes its whole expansion. The event stream
/// costs one pass over the text and sees aliases before anything expands them.
///
/// `CYaml` is Yams' own copy of libyaml (a target of the Yams package this module already
/// depends on), so this adds no library.
package enum YAMLBounds {
    package static let maxBytes = 1 << 20
    package static let maxDocuments = 100
    package static let maxDepth = 32
    /// Nodes after expanding every alias: the largest bundled definition has about 400.
    package static let maxExpandedNodes = 100_000

    private struct Frame {
        var isMapping: Bool
        var children = 0
        var anchor: String?
        var startCount: Int
    }

    /// Reads a definition file as UTF-8 text, never more than the limit (a path such as
    /// /dev/zero must fail at once, not fill memory).
    package static func readFile(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw SwitchboardError.usage("\(path) is a directory: give the definition files (e.g. \(path)/*.yaml)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SwitchboardError.io("cannot read \(path): no such file or not readable")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw SwitchboardError.io("cannot read \(path) (\(errno == 0 ? "read error" : String(cString: strerror(errno))))")
        }
        guard data.count <= maxBytes else {
            throw SwitchboardError.definition(file: path, line: nil, message: "the file is larger than the limit of \(maxBytes / 1024) KiB")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw SwitchboardError.io("\(path) is not UTF-8 text") }
        return text
    }

    package static func check(_ yaml: String, file: String) throws {
        let size = yaml.utf8.count
        guard size <= maxBytes else {
            throw SwitchboardError.definition(file: file, line: nil, message: "the file is \(size / 1024) KiB; definition files are limited to \(maxBytes / 1024) KiB")
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw SwitchboardError.io("cannot start the YAML reader") }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(yaml.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var stack: [Frame] = []
            var anchorSizes: [String: Int] = [:]
            var expanded = 0
            var documents = 0
            func fail(_ line: Int, _ message: String) -> SwitchboardError {
                .definition(file: file, line: line, message: message)
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    // Malformed YAML: the composer that runs next words the error with its line.
                    return
                }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                let type = event.type
                if type == YAML_STREAM_END_EVENT { return }
                if type == YAML_DOCUMENT_START_EVENT {
                    documents += 1
                    guard documents <= maxDocuments else { throw fail(line, "more than \(maxDocuments) documents in one file") }
                    continue
                }
                let isNode = type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT
                    || type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT
                if isNode, let parent = stack.last, parent.isMapping, parent.children % 2 == 0, type != YAML_SCALAR_EVENT {
                    throw fail(line, type == YAML_ALIAS_EVENT
                        ? "an alias (*name) cannot be a mapping key; keys must be plain strings"
                        : "mapping keys must be plain strings")
                }
                switch type {
                case YAML_SCALAR_EVENT:
                    expanded += 1
                    if let anchor = string(event.data.scalar.anchor) { anchorSizes[anchor] = 1 }
                    childDone(&stack)
                case YAML_ALIAS_EVENT:
                    expanded += anchorSizes[string(event.data.alias.anchor) ?? ""] ?? 1
                    childDone(&stack)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    expanded += 1
                    let anchor = type == YAML_SEQUENCE_START_EVENT
                        ? string(event.data.sequence_start.anchor) : string(event.data.mapping_start.anchor)
                    stack.append(Frame(isMapping: type == YAML_MAPPING_START_EVENT, anchor: anchor, startCount: expanded))
                    guard stack.count <= maxDepth else { throw fail(line, "nested deeper than \(maxDepth) levels") }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let frame = stack.popLast(), let anchor = frame.anchor {
                        anchorSizes[anchor] = expanded - frame.startCount + 1
                    }
                    childDone(&stack)
                default:
                    break
                }
                guard expanded <= maxExpandedNodes else {
                    throw fail(line, "aliases expand to more than \(maxExpandedNodes) nodes")
                }
            }
        }
    }

    private static func childDone(_ stack: inout [Frame]) {
        if !stack.isEmpty { stack[stack.count - 1].children += 1 }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
