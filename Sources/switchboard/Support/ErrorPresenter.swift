import ArgumentParser
import Foundation
import SwitchboardCore

/// The one place an error becomes what a person reads (one line on stderr, SPEC §10) and
/// the exit status a script reads (README): 1 error, 2 usage, 3 conflict, 4 not found,
/// 5 not allowed in this role; a command's own `ExitCode` passes through.
enum ErrorPresenter {
    /// Prints the line for `error` (none for a bare exit code) and returns the status.
    static func present(_ error: any Error) -> Int32 {
        switch error {
        case let error as SwitchboardError:
            printLine(error.description)
            return status(of: error)
        case let error as FieldValidationError:
            printLine(error.description)
            return 1
        case let code as ExitCode:
            return code.rawValue
        case is CancellationError:
            printLine("cancelled; nothing was changed")
            return 130
        default:
            // Whatever else reaches here is ArgumentParser's (parse and validation errors,
            // help): its first line, pointing at the help.
            let code = Switchboard.exitCode(for: error)
            if code == .success {
                let text = Switchboard.fullMessage(for: error)
                if !text.isEmpty { print(text) }
                return 0
            }
            guard code == .validationFailure else {
                // Not a usage error and not ours: say what kind it was, never dump it (it
                // could hold a value).
                printLine("unexpected error (\(type(of: error)))")
                return 1
            }
            let message = Switchboard.message(for: error).split(separator: "\n").first.map(String.init) ?? ""
            if !message.isEmpty {
                printLine((message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message) + " (see: switchboard help)")
            }
            // ArgumentParser says 64 (EX_USAGE) for a usage error; the README promises 2.
            return 2
        }
    }

    static func status(of error: SwitchboardError) -> Int32 {
        switch error {
        case .usage: 2
        case .conflict: 3
        case .notFound: 4
        case .forbidden: 5
        default: 1
        }
    }

    static func printLine(_ text: String) {
        FileHandle.standardError.write(Data("switchboard: \(TerminalText.escaped(text))\n".utf8))
    }
}
