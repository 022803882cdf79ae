import Foundation
import GRDB

extension Store {
    /// Keeps unsaved wizard input (sealed: it may hold secrets typed but not saved) so the
    /// next session can offer it back after Ctrl-C, SIGTERM or a dropped SSH session.
    package func saveDraft(instance reference: String, contents: String) throws {
        try database.write { db in
            let instance = try findInstance(db, reference)
            let box = try secretBox(db, writing: true)
            try DraftRecord(instanceId: instance.id, user: actor.draftOwner, sealed: box.seal(contents), savedAt: now()).save(db)
        }
    }

    package func loadDraft(instance reference: String) throws -> (contents: String, savedAt: String)? {
        try database.read { db in
            let instance = try findInstance(db, reference)
            guard let record = try DraftRecord.fetchOne(db, key: ["instanceId": instance.id, "user": actor.draftOwner]) else { return nil }
            return (try secretBox(db).open(record.sealed), record.savedAt)
        }
    }

    package func deleteDraft(instance reference: String) throws {
        try database.write { db in
            let instance = try findInstance(db, reference)
            _ = try DraftRecord.deleteOne(db, key: ["instanceId": instance.id, "user": actor.draftOwner])
        }
    }
}

extension Store {
    /// Ids of the instances where this OS user, in this role, left unsaved input.
    package func draftInstances() throws -> Set<String> {
        try database.read { db in
            Set(try String.fetchAll(db, sql: "SELECT instanceId FROM draft WHERE user = ?", arguments: [actor.draftOwner]))
        }
    }
}
