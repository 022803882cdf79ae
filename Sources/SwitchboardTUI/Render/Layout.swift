/// Where things go on screen, as pure functions of the size. The state machine uses
/// the same numbers to keep lists scrolled, so render and handle never disagree.
package enum Layout {
    /// Rows of the home list: the title, filter and header lines above, message and help below.
    package static func homeListRows(_ size: Size) -> Int { max(1, size.height - 5) }

    /// Rows of the deploy picker's lists.
    package static func deployListRows(_ size: Size) -> Int { max(1, size.height - 8) }

    /// Columns of the wizard's step list on the left.
    package static func stepsWidth(_ size: Size) -> Int { min(28, max(20, size.width / 4)) }

    /// Rows of the log pane including its title rule, or 0 when hidden.
    package static func logHeight(_ size: Size, visible: Bool) -> Int {
        visible ? min(10, max(3, (size.height - 3) / 3)) : 0
    }

    /// The wizard body between the title line and the message/help lines.
    package static func wizardBody(_ size: Size) -> (top: Int, height: Int) { (1, max(0, size.height - 3)) }
}
