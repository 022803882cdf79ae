/// How one style role looks.
public struct TextStyle: Hashable, Sendable {
    public var foreground: ThemeColor = .terminalDefault
    public var background: ThemeColor = .terminalDefault
    public var bold = false
    public var dim = false
    public var underline = false
    public var reverse = false

    public init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
                bold: Bool = false, dim: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.underline = underline
        self.reverse = reverse
    }

    public var usesColor: Bool { foreground != .terminalDefault || background != .terminalDefault }
}

/// A colour theme: a style per role and the line-drawing glyphs.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var styles: [StyleRole: TextStyle]
    public var glyphs: BoxGlyphs
    /// Where it was read from (a path, or `built-in`), for messages.
    public var source: String

    public init(name: String, styles: [StyleRole: TextStyle], glyphs: BoxGlyphs = .unicode, source: String = "built-in") {
        self.name = name
        self.styles = styles
        self.glyphs = glyphs
        self.source = source
    }

    public func style(for role: StyleRole) -> TextStyle { styles[role] ?? TextStyle() }

    /// Whether any role uses colour (mono does not).
    public var usesColor: Bool { styles.values.contains(where: \.usesColor) }

    /// The built-in monochrome theme, also the fallback for roles a file leaves out.
    public static var mono: Theme {
        // The mono source is compiled in and known-good.
        (try? ThemeParser.parse(BuiltinThemes.mono, file: "built-in mono", fallback: nil)) ?? Theme(name: "mono", styles: [:])
    }
}
