import Foundation
import Testing
@testable import SwitchboardCore

@Suite("SecretBox and MasterKey")
struct SecretBoxTests {
    @Test("seal then open gives the plaintext back; the sealed bytes do not contain it")
    func roundTrip() throws {
        let box = try secretBox()
        let plaintext = "pässwörd-🔑-SECRET-round-trip"
        let sealed = try box.seal(plaintext)
        #expect(try box.open(sealed) == plaintext)
        #expect(sealed.range(of: Data(plaintext.utf8)) == nil)
        #expect(try box.seal(plaintext) != sealed, "a fresh nonce per seal")
    }

    @Test("opening with another key fails with wrongMasterKey naming the key's source")
    func wrongKey() throws {
        let sealed = try secretBox().seal("top secret")
        let other = try secretBox()
        #expect(throws: SwitchboardError.wrongMasterKey(source: MasterKey.environmentVariable)) {
            try other.open(sealed)
        }
    }

    @Test("a tampered or foreign value fails clearly, never as garbage")
    func tampered() throws {
        let box = try secretBox()
        var sealed = try box.seal("value")
        sealed[sealed.count - 1] ^= 0xFF
        #expect(throws: SwitchboardError.wrongMasterKey(source: MasterKey.environmentVariable)) { try box.open(sealed) }
        #expect(throws: SwitchboardError.self) { try box.open(Data("plain text".utf8)) }
        #expect(throws: SwitchboardError.self) { try box.open(Data()) }
    }

    @Test("a malformed SWITCHBOARD_MASTER_KEY is refused with how to make one", arguments: ["not base64!", Data(repeating: 1, count: 16).base64EncodedString()])
    func malformedKey(_ key: String) {
        do {
            _ = try MasterKey.load(environment: [MasterKey.environmentVariable: key])
            Issue.record("a malformed key was accepted")
        } catch let error as SwitchboardError {
            guard case .secretKey(let message) = error else {
                Issue.record("expected secretKey, got \(error)")
                return
            }
            #expect(message.contains(MasterKey.environmentVariable))
            #expect(message.contains("32 bytes"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("without the variable, a 0600 key file is created on first use and reused afterwards")
    func keyFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sb-key-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let environment = ["XDG_CONFIG_HOME": dir, "HOME": dir]
        let first = try MasterKey.load(environment: environment)
        let path = dir + "/switchboard/master.key"
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let second = try MasterKey.load(environment: environment)
        #expect(try second.open(first.seal("same key")) == "same key")
        #expect(second.keySource.contains(path))
    }
}

@Suite("MasterKey first run")
struct MasterKeyRaceTests {
    @Test("sessions creating the key file at the same moment all get the same key, never a half-written file")
    func concurrentCreation() async throws {
        for _ in 1...30 {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sb-keyrace-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let environment = ["XDG_CONFIG_HOME": dir, "HOME": dir]
            let sealed = try await withThrowingTaskGroup(of: Data.self) { group in
                for _ in 1...8 {
                    group.addTask { try MasterKey.load(environment: environment).seal("same") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let box = try MasterKey.load(environment: environment)
            for value in sealed { #expect(try box.open(value) == "same") }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/switchboard") == ["master.key"], "no temporary files left")
            #expect((try FileManager.default.attributesOfItem(atPath: dir + "/switchboard/master.key")[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }
}
