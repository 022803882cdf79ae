import Crypto
import Foundation

/// Seals and opens secret values with AES-GCM under the master key (SPEC §9).
/// Sealed form: one format byte, then nonce ‖ ciphertext ‖ tag.
package struct SecretBox: Sendable {
    private static let formatV1: UInt8 = 1
    // Kept as bytes: SymmetricKey is not Sendable.
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    /// Where the key came from, for error messages (never the key itself).
    package let keySource: String

    package init(key: SymmetricKey, keySource: String) {
        self.keyBytes = key.withUnsafeBytes { Data($0) }
        self.keySource = keySource
    }

    package func seal(_ plaintext: String) throws -> Data {
        do {
            // The text's own bytes, not a copy into Data (whose generic initializer casts
            // dynamically); the result written once.
            var text = plaintext
            let box = try text.withUTF8 { try AES.GCM.seal(UnsafeRawBufferPointer($0), using: key) }
            guard let combined = box.combined else { throw SwitchboardError.secretKey("AES-GCM produced no output") }
            var sealed = Data(capacity: 1 + combined.count)
            sealed.append(Self.formatV1)
            sealed.append(combined)
            return sealed
        } catch let error as SwitchboardError {
            throw error
        } catch {
            throw SwitchboardError.secretKey("could not encrypt a secret: \(error)")
        }
    }

    package func open(_ sealed: Data) throws -> String {
        guard sealed.first == Self.formatV1 else {
            throw SwitchboardError.secretKey("a stored secret has an unknown format")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            let plain = try AES.GCM.open(box, using: key)
            guard let text = String(data: plain, encoding: .utf8) else {
                throw SwitchboardError.secretKey("a stored secret is not valid text")
            }
            return text
        } catch let error as SwitchboardError {
            throw error
        } catch {
            throw SwitchboardError.wrongMasterKey(source: keySource)
        }
    }
}

/// Finds the master key: `SWITCHBOARD_MASTER_KEY` (base64 of 32 bytes), else a 0600 key
/// file under `$XDG_CONFIG_HOME/switchboard/`, created on first run.
package enum MasterKey {
    package static let environmentVariable = "SWITCHBOARD_MASTER_KEY"

    /// `load(environment:)` over this process's variables, read with getenv as they are
    /// asked for (`Paths.processVariable`): the store loads the key in every transaction
    /// that opens or seals a secret, a refresh pass once per batch of leases, and
    /// `ProcessInfo.environment` copied the whole environment each time (500,000
    /// instructions, 3% of a refresh, callgrind). Read anew each time, so a key installed
    /// while a process runs is the one its next transaction uses.
    package static func load() throws -> SecretBox {
        try load(variable: Paths.processVariable)
    }

    package static func load(environment: [String: String]) throws -> SecretBox {
        try load(variable: { environment[$0] })
    }

    private static func load(variable: (String) -> String?) throws -> SecretBox {
        if let encoded = variable(environmentVariable) {
            return SecretBox(key: try decode(encoded, source: environmentVariable), keySource: environmentVariable)
        }
        let path = Paths.keyFile(variable: variable)
        let source = "key file \(path)"
        if FileManager.default.fileExists(atPath: path) {
            // As ssh does with a private key: a key others can read is refused, not used.
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
                throw SwitchboardError.secretKey("the \(source) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); run: chmod 600 \(path)")
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw SwitchboardError.secretKey("cannot read the \(source)")
            }
            return SecretBox(key: try decode(text, source: source), keySource: source)
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        try Paths.createPrivateDirectory(for: path)
        // Written whole to a private temporary file, then linked into place: link(2) fails
        // when the key file exists, so first runs racing agree on one key and none of them
        // ever reads a half-written file.
        let temporary = "\(path).\(getpid()).\(UUID().uuidString).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw SwitchboardError.secretKey("cannot create the \(source): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let bytes = Array((encoded + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw SwitchboardError.secretKey("cannot write the \(source)") }
        if link(temporary, path) != 0 {
            if errno == EEXIST { return try load(variable: variable) }
            throw SwitchboardError.secretKey("cannot create the \(source): \(String(cString: strerror(errno)))")
        }
        return SecretBox(key: key, keySource: source)
    }

    static func decode(_ text: String, source: String) throws -> SymmetricKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed), data.count == 32 else {
            throw SwitchboardError.secretKey("the master key in \(source) must be 32 bytes in base64 (generate one with: openssl rand -base64 32)")
        }
        return SymmetricKey(data: data)
    }
}
