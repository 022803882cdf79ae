/// Every failure the core reports. `description` is the one sentence a person reads;
/// no case carries a secret value.
package enum SwitchboardError: Error, Sendable, CustomStringConvertible, Equatable {
    case definition(file: String, line: Int?, message: String)
    case notFound(String)
    case invalidValue(String)
    case forbidden(String)
    case conflict(String)
    case database(String)
    case secretKey(String)
    case wrongMasterKey(source: String)
    case io(String)
    case usage(String)
    case http(String)
    case oauth(String)

    package var description: String {
        switch self {
        case .definition(let file, let line, let message):
            if let line { return "\(file):\(line): \(message)" }
            return "\(file): \(message)"
        case .notFound(let m), .invalidValue(let m), .forbidden(let m), .conflict(let m), .database(let m),
             .secretKey(let m), .io(let m), .usage(let m), .http(let m), .oauth(let m):
            return m
        case .wrongMasterKey(let source):
            return "cannot decrypt stored secrets: the master key from \(source) is not the key this database was written with"
        }
    }
}
