/// How one style role looks.
package struct TextStyle: Hashable, Sendable {
    package var foreground: ThemeColor = .terminalDefault
    package var background: ThemeColor = .terminalDefault
    package var bold = false
    package var dim = false
    package var underline = false
    package var reverse = false

    package init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
                bold: Bool = false, dim: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.underline = underline
        self.reverse = reverse
    }

    package var usesColor: Bool { foreground != .terminalDefault || background != .terminalDefault }
}

/// A colour theme: a style per role and the line-drawing glyphs.
package struct Theme: Hashable, Sendable {
    package var name: String
    package var styles: [StyleRole: TextStyle]
    package var glyphs: BoxGlyphs
    /// Where it was read from (a path, or `built-in`), for messages.
    package var source: String

    package init(name: String, styles: [StyleRole: TextStyle], glyphs: BoxGlyphs = .unicode, source: String = "built-in") {
        self.name = name
        self.styles = styles
        self.glyphs = glyphs
        self.source = source
    }

    package func style(for role: StyleRole) -> TextStyle { styles[role] ?? TextStyle() }

    /// Whether any role uses colour (mono does not).
    package var usesColor: Bool { styles.values.contains(where: \.usesColor) }

    /// The built-in monochrome theme, also the fallback for roles a file leaves out.
    package static var mono: Theme {
        // The mono source is compiled in and known-good.
        (try? ThemeParser.parse(BuiltinThemes.mono, file: "built-in mono", fallback: nil)) ?? Theme(name: "mono", styles: [:])
    }
}
