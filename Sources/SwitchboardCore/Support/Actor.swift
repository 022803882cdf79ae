import Foundation

/// Who is acting: the OS user (recorded in logs) and the role they act in.
package struct Actor: Sendable, Equatable {
    package var user: String
    package var role: Role
    /// What is acting: "cli", "wizard", "run", "refresh", "callback-server".
    package var source: String

    package init(user: String, role: Role, source: String) {
        self.user = user
        self.role = role
        self.source = source
    }

    /// The OS user running this process (SSH sessions are told apart by it).
    package static func osUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())"
    }

    /// What logs record as the user: customers are marked so a vendor sees who changed what.
    package var logUser: String {
        if case .customer(let name) = role { return "\(user) (customer \(name))" }
        return user
    }
}
