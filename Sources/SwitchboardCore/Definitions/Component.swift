/// A built-in or custom component: the actions steps may call and the connection types it accepts.
package struct Component: Codable, Sendable, Hashable {
    package var key: String
    package var label: String
    package var description: String?
    package var actions: [String]
    package var connections: [ConnectionType]

    package init(key: String, label: String, description: String? = nil, actions: [String] = [], connections: [ConnectionType] = []) {
        self.key = key
        self.label = label
        self.description = description
        self.actions = actions
        self.connections = connections
    }

    package func connectionType(_ key: String) -> ConnectionType? { connections.first { $0.key == key } }
}
