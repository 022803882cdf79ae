import SwitchboardCore

/// The hot read-only commands scripts call in a loop, recognised without ArgumentParser.
///
/// Measured (callgrind, release, `logs INSTANCE VAR --limit 50` on the 10,000-instance
/// store of `scripts/bench`): ArgumentParser's parse took 17.4 M of the run's 37.4 M
/// instructions, most of it the Swift runtime scanning every protocol conformance of the
/// binary for the casts and reflection its property wrappers do — more than opening the
/// database and running the query together. So the plain forms of these commands are
/// read here by hand, and anything else (help, completion, `--`, an unknown or repeated
/// option, a value that does not parse, a missing or extra argument) returns nil and goes
/// through ArgumentParser, which answers or words the error exactly as before.
enum QuickCommands {
    /// The `logs` query when `arguments` (without the program name) is a plain `logs`
    /// call: `logs INSTANCE [VARIABLE]` with `--json`, `--limit N`, `--before ID`, `--db
    /// PATH`, `--role team|customer`, `--customer NAME` in any order, each at most once,
    /// values as `--name value` or `--name=value`.
    static func logs(_ arguments: [String]) -> LogsQuery? {
        guard arguments.first == "logs" else { return nil }
        var query = LogsQuery(instance: "")
        var positionals: [String] = []
        var seen: Set<String> = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-") else {
                positionals.append(argument)
                continue
            }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard seen.insert(name).inserted else { return nil }
            if name == "--json" {
                guard inlineValue == nil else { return nil }
                query.json = true
                continue
            }
            let value: String
            if let inlineValue {
                // ArgumentParser reads `--name=` as a missing value.
                guard !inlineValue.isEmpty else { return nil }
                value = inlineValue
            } else {
                // A value that looks like an option is left to ArgumentParser to judge.
                guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
                value = arguments[index]
                index += 1
            }
            switch name {
            case "--limit":
                guard let limit = Int(value) else { return nil }
                query.limit = limit
            case "--before":
                guard let before = Int64(value) else { return nil }
                query.before = before
            case "--db":
                query.options.db = value
            case "--role":
                guard let role = RoleName(rawValue: value) else { return nil }
                query.options.role = role
            case "--customer":
                query.options.customer = value
            default:
                return nil
            }
        }
        guard positionals.count == 1 || positionals.count == 2 else { return nil }
        query.instance = positionals[0]
        query.variable = positionals.count == 2 ? positionals[1] : nil
        return query
    }
}
