/// A built-in or custom component: the actions steps may call and the connection types it accepts.
public struct Component: Codable, Sendable, Hashable {
    public var key: String
    public var label: String
    public var description: String?
    public var actions: [String]
    public var connections: [ConnectionType]

    public init(key: String, label: String, description: String? = nil, actions: [String] = [], connections: [ConnectionType] = []) {
        self.key = key
        self.label = label
        self.description = description
        self.actions = actions
        self.connections = connections
    }

    public func connectionType(_ key: String) -> ConnectionType? { connections.first { $0.key == key } }
}
