import Foundation

extension Store {
    /// Keeps unsaved wizard input (sealed: it may hold secrets typed but not saved) so the
    /// next session can offer it back after Ctrl-C, SIGTERM or a dropped SSH session.
    package func saveDraft(instance reference: String, contents: String) throws {
        try database.write { db in
            let instance = try findInstance(db, reference)
            let box = try secretBox(db, writing: true)
            // One draft per instance and user: a newer one replaces the stored one.
            try db.execute("""
                INSERT INTO "draft" ("instanceId", "user", "sealed", "savedAt") VALUES (?, ?, ?, ?)
                ON CONFLICT ("instanceId", "user") DO UPDATE SET "sealed" = excluded."sealed", "savedAt" = excluded."savedAt"
                """, [instance.id, actor.draftOwner, try box.seal(contents), now()])
        }
    }

    package func loadDraft(instance reference: String) throws -> (contents: String, savedAt: String)? {
        try database.read { db in
            let instance = try findInstance(db, reference)
            guard let record = try db.record(DraftRecord.self, "SELECT * FROM \"draft\" WHERE \"instanceId\" = ? AND \"user\" = ?",
                                             [instance.id, actor.draftOwner]) else { return nil }
            return (try secretBox(db).open(record.sealed), record.savedAt)
        }
    }

    package func deleteDraft(instance reference: String) throws {
        try database.write { db in
            let instance = try findInstance(db, reference)
            try db.execute("DELETE FROM \"draft\" WHERE \"instanceId\" = ? AND \"user\" = ?", [instance.id, actor.draftOwner])
        }
    }
}

extension Store {
    /// Ids of the instances where this OS user, in this role, left unsaved input.
    package func draftInstances() throws -> Set<String> {
        try database.read { db in
            Set(try db.values(String.self, "SELECT \"instanceId\" FROM \"draft\" WHERE \"user\" = ?", [actor.draftOwner]))
        }
    }
}
