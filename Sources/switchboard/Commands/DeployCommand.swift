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
        do {
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
