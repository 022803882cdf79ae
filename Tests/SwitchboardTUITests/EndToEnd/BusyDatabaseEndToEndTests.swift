import Foundation
import Testing

/// Another process holds the database's write lock while a person saves in the wizard:
/// the save waits (the store's busy timeout) off the terminal's thread, so keys, resizing
/// and the screen keep answering, and the save lands once the lock is released.
@Suite("Wizard with a busy database (tmux)") struct BusyDatabaseEndToEndTests {
    @Test func typingGoesOnWhileAnotherProcessHoldsTheWriteLock() async throws {
        let sandbox = try Sandbox("busy")
        defer { sandbox.remove() }
        try await sandbox.ok("import", EndToEnd.root + "/examples/s3-backup.yaml")
        try await sandbox.ok("deploy", "tableau-s3-backup", "--customer", "acme")
        let instance = WizardEndToEndTests.instance
        let tmux = try await TmuxSession.start(sandbox.wizardCommand(["configure", instance]), in: sandbox)
        do {
            try await tmux.waitFor("Host Name", "connection  Enter edit")
            try await tmux.press("Enter")
            try await tmux.waitFor("Tab next")
            try await tmux.press("Tab", "Tab")
            try await tmux.waitFor("My Account Settings")
            try await tmux.press("C-u")
            try await tmux.type("held-")
            try await tmux.waitFor("held-")

            // A writer in another process takes the lock and keeps it until told to stop.
            let release = sandbox.directory + "/release"
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            holder.arguments = ["-c", """
                import os, sqlite3, sys, time
                c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
                c.execute("BEGIN IMMEDIATE")
                print("locked", flush=True)
                deadline = time.time() + 12
                while not os.path.exists(sys.argv[2]) and time.time() < deadline:
                    time.sleep(0.05)
                c.execute("ROLLBACK")
                """, sandbox.directory + "/switchboard.sqlite", release]
            let output = Pipe()
            holder.standardOutput = output
            try holder.run()
            defer { if holder.isRunning { holder.terminate() } }
            let firstLine = output.fileHandleForReading.availableData
            #expect(String(decoding: firstLine, as: UTF8.self).hasPrefix("locked"))

            // Save: it waits for the lock. Meanwhile the wizard still takes keys and repaints.
            try await tmux.press("C-s")
            try await tmux.type("still-typing")
            // Well inside the holder's 12 s and the store's 15 s busy timeout: a save on the
            // terminal's thread would keep these keys unanswered until the lock went away.
            try await tmux.waitFor("held-still-typing", timeout: .seconds(3))
            try await tmux.resize(width: 70, height: 20)
            try await tmux.waitFor("Tab next", timeout: .seconds(3))
            #expect(try await sandbox.values(instance, "tableau")["tokenName"] != "held-", "the save has not landed while the lock is held")

            #expect(FileManager.default.createFile(atPath: release, contents: nil))
            try await tmux.waitFor("Saved tableau")
            holder.waitUntilExit()
            await tmux.kill()
        } catch {
            await tmux.kill()
            throw error
        }
    }
}
