import Foundation
import Testing
@testable import SwitchboardCore

@Suite("CLI: errors and role restrictions")
struct CLIErrorTests {
    @Test("customer role needs --customer and cannot import: one line each, distinct exits")
    func roleRestrictions() async throws {
        let sb = try CLISandbox()
        let file = try sb.write("test-api.yaml", Fixtures.testAPI)
        let noName = try await sb.run(["status", "--json", "--role", "customer"])
        #expect(noName.status == 2, "\(noName)")
        #expect(noName.errorLine.contains("--customer"))
        #expect(!noName.errorLine.contains("\n"))

        let importing = try await sb.run(["import", file, "--role", "customer", "--customer", "acme"])
        #expect(importing.status == 5, "\(importing)")
        #expect(importing.errorLine.contains("team"))
        #expect(try await sb.json(["integrations"])["integrations"].flatMap { $0 as? [Any] }?.isEmpty == true)

    }

    @Test("usage errors exit non-zero and say what was wrong first", arguments: [
        (["status", "--bogus"], "--bogus"),
        (["logs", "acme/x", "--limit", "many"], "many"),
    ])
    func usageErrors(arguments: [String], named: String) async throws {
        let sb = try CLISandbox()
        let result = try await sb.run(arguments)
        #expect(result.status != 0, "\(result)")
        #expect(result.stdout.isEmpty)
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.contains(named), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")
    }
}
