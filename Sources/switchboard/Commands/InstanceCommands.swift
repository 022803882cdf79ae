import ArgumentParser
import Foundation
import SwitchboardCore

struct DeployCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy", abstract: "Deploy an integration for a customer, or upgrade an instance to the latest version.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .customLong("for"), help: .hidden) var forCustomer: String?
    @Option(name: .long, help: "Instance name (default CUSTOMER/INTEGRATION).") var name: String?
    @Option(name: .long, help: "Integration version (default: latest).") var version: Int?
    @Flag(name: .long, help: "Treat the argument as an instance and move it to its integration's latest version.") var upgrade = false
    @Argument(help: "Integration key (or instance with --upgrade).") var target: String

    func run() throws {
        try reportingErrors {
            let store = try global.store(source: "cli")
            let info: InstanceInfo
            if upgrade {
                info = try store.upgrade(instance: target)
            } else {
                guard let customer = global.customer ?? forCustomer else { throw SwitchboardError.usage("deploy needs --customer NAME") }
                info = try store.deploy(integration: target, customer: customer, name: name, version: version)
            }
            if json {
                var w = JSONWriter()
                w.beginObject()
                w.field("id", info.id); w.field("name", info.name); w.field("customer", info.customer)
                w.field("integration", info.integration); w.field("version", info.version)
                w.endObject()
                w.print()
            } else {
                printOut("\(upgrade ? "Upgraded" : "Deployed") \(info.name) (\(info.id)), \(info.integration) v\(info.version)")
            }
        }
    }
}

struct InstancesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "instances", abstract: "List instances.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .long, help: "Only instances whose name or integration contains this text.") var filter: String?

    func run() throws {
        try reportingErrors {
            let list = try global.store(source: "cli", readOnly: true).status(filter: filter)
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("instances"); w.beginArray()
                for item in list {
                    w.beginObject()
                    w.field("id", item.id); w.field("name", item.name); w.field("customer", item.customer)
                    w.field("integration", item.integration); w.field("version", item.version)
                    w.endObject()
                }
                w.endArray(); w.endObject()
                w.print()
            } else {
                for item in list { printOut("\(item.id)  \(item.name)  \(item.integration) v\(item.version)") }
            }
        }
    }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show every connection's status.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Argument(help: "An instance id or name (default: all).") var instance: String?

    func run() throws {
        try reportingErrors {
            let list = try global.store(source: "cli", readOnly: true).status(instance: instance)
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("instances"); w.beginArray()
                for item in list {
                    w.beginObject()
                    w.field("id", item.id); w.field("name", item.name); w.field("integration", item.integration)
                    w.field("version", item.version); w.field("customer", item.customer)
                    w.key("connections"); w.beginArray()
                    for c in item.connections {
                        w.beginObject()
                        w.field("variable", c.variable); w.field("component", c.component); w.field("connection", c.connection)
                        w.field("status", c.status.rawValue); w.field("reason", c.reason); w.field("expiresAt", c.expiresAt)
                        w.field("updatedAt", c.updatedAt)
                        w.endObject()
                    }
                    w.endArray()
                    w.endObject()
                }
                w.endArray(); w.endObject()
                w.print()
            } else {
                if list.isEmpty { printOut("No instances yet: switchboard deploy INTEGRATION --customer NAME") }
                for item in list {
                    let badges = item.connections.map { "\($0.variable) [\($0.status.rawValue)]" }
                    printOut("\(item.name)  \(item.integration) v\(item.version)  \(badges.joined(separator: "  "))")
                }
            }
        }
    }
}
