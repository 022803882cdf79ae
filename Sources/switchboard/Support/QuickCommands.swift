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
    /// A plain call of `command`: the flags and `--name value` options it knows, each at
    /// most once, and a number of positionals in `positionals`; nil for anything else.
    struct PlainCall {
        var flags: Set<String> = []
        var values: [String: String] = [:]
        var positionals: [String] = []
    }

    static func plainCall(_ arguments: [String], command: String, flags: Set<String>, options: Set<String>,
                          positionals range: ClosedRange<Int>) -> PlainCall? {
        guard arguments.first == command else { return nil }
        var call = PlainCall()
        var seen: Set<String> = []
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-") else {
                call.positionals.append(argument)
                continue
            }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            guard seen.insert(name).inserted else { return nil }
            if flags.contains(name) {
                guard inlineValue == nil else { return nil }
                call.flags.insert(name)
                continue
            }
            guard options.contains(name) else { return nil }
            if let inlineValue {
                // ArgumentParser reads `--name=` as a missing value.
                guard !inlineValue.isEmpty else { return nil }
                call.values[name] = inlineValue
            } else {
                // A value that looks like an option is left to ArgumentParser to judge.
                guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
                call.values[name] = arguments[index]
                index += 1
            }
        }
        guard range.contains(call.positionals.count) else { return nil }
        return call
    }

    /// `--db`, `--role`, `--customer` of a plain call; nil when `--role` does not parse.
    static func storeOptions(_ call: PlainCall) -> StoreOptions? {
        var options = StoreOptions()
        options.db = call.values["--db"]
        if let role = call.values["--role"] {
            guard let parsed = RoleName(rawValue: role) else { return nil }
            options.role = parsed
        }
        options.customer = call.values["--customer"]
        return options
    }

    static let storeOptionNames: Set<String> = ["--db", "--role", "--customer"]

    /// The `logs` query when `arguments` (without the program name) is a plain `logs`
    /// call: `logs INSTANCE [VARIABLE]` with `--json`, `--limit N`, `--before ID`, `--db
    /// PATH`, `--role team|customer`, `--customer NAME` in any order, each at most once,
    /// values as `--name value` or `--name=value`.
    static func logs(_ arguments: [String]) -> LogsQuery? {
        guard let call = plainCall(arguments, command: "logs", flags: ["--json"], options: storeOptionNames.union(["--limit", "--before"]),
                                   positionals: 1...2),
              let options = storeOptions(call) else { return nil }
        var query = LogsQuery(instance: call.positionals[0])
        query.variable = call.positionals.count == 2 ? call.positionals[1] : nil
        query.options = options
        query.json = call.flags.contains("--json")
        if let limit = call.values["--limit"] {
            guard let value = Int(limit) else { return nil }
            query.limit = value
        }
        if let before = call.values["--before"] {
            guard let value = Int64(before) else { return nil }
            query.before = value
        }
        return query
    }

    /// The `status` listing for a plain `status [INSTANCE]` call with `--json` and the
    /// store options (measured: ArgumentParser's parse was ~4 ms of the 67 ms listing of
    /// 10,000 instances, the margin between 1.24x and the 1.2x target of sqlite3).
    static func status(_ arguments: [String]) -> StatusListing? {
        guard let call = plainCall(arguments, command: "status", flags: ["--json"], options: storeOptionNames, positionals: 0...1),
              let options = storeOptions(call) else { return nil }
        return StatusListing(options: options, json: call.flags.contains("--json"), instance: call.positionals.first)
    }
}
