import Foundation

/// Who is acting: the OS user (recorded in logs) and the role they act in.
public struct Actor: Sendable, Equatable {
    public var user: String
    public var role: Role
    /// What is acting: "cli", "wizard", "run", "refresh", "callback-server".
    public var source: String

    public init(user: String, role: Role, source: String) {
        self.user = user
        self.role = role
        self.source = source
    }

    /// The OS user running this process (SSH sessions are told apart by it).
    public static func osUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())"
    }

    /// What logs record as the user: customers are marked so a vendor sees who changed what.
    public var logUser: String {
        if case .customer(let name) = role { return "\(user) (customer \(name))" }
        return user
    }
}
