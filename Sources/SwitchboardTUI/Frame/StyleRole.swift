import SwitchboardCore

/// What a cell means, not how it looks: the theme turns a role into colours and
/// attributes at paint time, so frames (and golden files) stay theme-independent.
package enum StyleRole: Hashable, Sendable {
    case normal, dim, title, border, focus, selection, error, message
    case input, inputFocus, placeholder, required, disabled, button
    case help, helpKey
    case badge(ConnectionStatus)
    case log(LogLineLevel)

    /// Every role, in legend order; themes must be able to style each.
    package static let all: [StyleRole] =
        [.normal, .dim, .title, .border, .focus, .selection, .error, .message,
         .input, .inputFocus, .placeholder, .required, .disabled, .button, .help, .helpKey]
        + ConnectionStatus.allCases.map { .badge($0) }
        + LogLineLevel.allCases.map { .log($0) }

    /// The key a theme file uses for this role (`badge.ok`, `log.error`, `input.focus`).
    package var themeKey: String {
        switch self {
        case .normal: "normal"
        case .dim: "dim"
        case .title: "title"
        case .border: "border"
        case .focus: "focus"
        case .selection: "selection"
        case .error: "error"
        case .message: "message"
        case .input: "input"
        case .inputFocus: "input.focus"
        case .placeholder: "placeholder"
        case .required: "required"
        case .disabled: "disabled"
        case .button: "button"
        case .help: "help"
        case .helpKey: "help.key"
        case .badge(let status): "badge.\(status.rawValue)"
        case .log(let level): "log.\(level.rawValue)"
        }
    }

    /// One character per role for golden files' style grids.
    package var legendSymbol: Character {
        switch self {
        case .normal: "."
        case .dim: "d"
        case .title: "T"
        case .border: "b"
        case .focus: "F"
        case .selection: "S"
        case .error: "E"
        case .message: "m"
        case .input: "i"
        case .inputFocus: "I"
        case .placeholder: "p"
        case .required: "r"
        case .disabled: "x"
        case .button: "B"
        case .help: "h"
        case .helpKey: "k"
        case .badge(.ok): "1"
        case .badge(.configured): "2"
        case .badge(.unconfigured): "3"
        case .badge(.error): "4"
        case .log(.info): "5"
        case .log(.warning): "6"
        case .log(.error): "7"
        }
    }
}
