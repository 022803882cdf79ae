/// The three bundled themes, compiled in so a copied binary works without `themes/`.
/// They must equal the files in `themes/` (a test checks).
package enum BuiltinThemes {
    package static let defaultTheme = """
    # Switchboard theme: default
    # key = [COLOUR [on COLOUR]][, bold|dim|underline|reverse]...
    # Colours: default, black, red, green, yellow, blue, magenta, cyan, white, grey,
    # bright-NAME, color0..color255. Keys left out take the mono style.
    name = default
    borders = unicode

    normal = default
    dim = grey
    title = cyan, bold
    border = blue
    focus = black on cyan
    selection = default on blue
    error = red, bold
    message = green
    input = default on color236
    input.focus = bright-white on blue
    placeholder = grey
    required = red, bold
    disabled = grey
    button = black on white
    help = default
    help.key = cyan, bold

    badge.ok = green, bold
    badge.configured = yellow, bold
    badge.unconfigured = grey
    badge.error = red, bold

    log.info = default
    log.warning = yellow
    log.error = red

    """

    package static let highContrast = """
    # Switchboard theme: high-contrast
    # Bright colours on black, bold text, reverse video for focus.
    name = high-contrast
    borders = unicode

    normal = bright-white on black
    dim = white on black
    title = bright-yellow on black, bold
    border = bright-white on black
    focus = black on bright-yellow, bold
    selection = black on white, bold
    error = bright-white on red, bold
    message = bright-green on black, bold
    input = bright-white on black, underline
    input.focus = black on bright-white, bold
    placeholder = white on black
    required = bright-red on black, bold
    disabled = white on black
    button = black on bright-cyan, bold
    help = bright-white on black
    help.key = bright-yellow on black, bold

    badge.ok = black on bright-green, bold
    badge.configured = black on bright-yellow, bold
    badge.unconfigured = black on white, bold
    badge.error = bright-white on red, bold

    log.info = bright-white on black
    log.warning = bright-yellow on black, bold
    log.error = bright-red on black, bold

    """

    package static let mono = """
    # Switchboard theme: mono
    # No colour at all (NO_COLOR forces this theme): attributes carry the emphasis and
    # every badge prints its word.
    name = mono
    borders = unicode

    normal = default
    dim = dim
    title = bold
    border = default
    focus = reverse
    selection = bold, underline
    error = bold, underline
    message = bold
    input = underline
    input.focus = reverse
    placeholder = dim
    required = bold
    disabled = dim
    button = reverse
    help = default
    help.key = bold

    badge.ok = bold
    badge.configured = default
    badge.unconfigured = dim
    badge.error = bold, reverse

    log.info = default
    log.warning = bold
    log.error = bold, underline

    """

    package static let all: [String: String] = ["default": defaultTheme, "high-contrast": highContrast, "mono": mono]
}
