// Fuzz target `theme`: ThemeParser.parse, fed a theme file (`--theme PATH` reads any file
// a person names). Parsed once over the mono fallback, as the resolver does, and once
// without a fallback, as the built-in mono theme is.
//
// Invariants checked on top of "does not crash": a parsed theme styles every role when it
// had a fallback, and every error renders to a sentence.
@testable import SwitchboardTUI

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTheme(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let theme = try ThemeParser.parse(text, file: "themes/fuzz.theme")
        precondition(StyleRole.all.allSatisfy { theme.styles[$0] != nil }, "a role lost its style")
        _ = theme.usesColor
    } catch {
        _ = String(describing: error)
    }
    do {
        _ = try ThemeParser.parse(text, file: "fuzz", fallback: nil)
    } catch {
        _ = String(describing: error)
    }
    return 0
}
