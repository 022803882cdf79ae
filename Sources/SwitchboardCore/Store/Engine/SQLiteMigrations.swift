import GRDB

/// Named migrations; never edit one that has landed, add a new one.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: definitions, instances, values, tokens, logs") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .blob).notNull()
            }
            try db.create(table: "component") { t in
                t.primaryKey("key", .text)
                t.column("label", .text).notNull()
                t.column("definition", .text).notNull()
                t.column("sealedSecrets", .blob)
                t.column("importedAt", .text).notNull()
                t.column("importedBy", .text).notNull()
            }
            try db.create(table: "integrationVersion") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("key", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("definition", .text).notNull()
                t.column("sealedSecrets", .blob)
                t.column("importedAt", .text).notNull()
                t.column("importedBy", .text).notNull()
                t.uniqueKey(["key", "version"])
            }
            try db.create(table: "customer") { t in
                t.primaryKey("name", .text)
                t.column("createdAt", .text).notNull()
            }
            try db.create(table: "instance") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique()
                t.column("customer", .text).notNull().references("customer", onDelete: .restrict)
                t.column("integrationVersionId", .integer).notNull().references("integrationVersion", onDelete: .restrict)
                t.column("createdAt", .text).notNull()
                t.column("createdBy", .text).notNull()
            }
            try db.create(index: "instance_customer", on: "instance", columns: ["customer"])
            try db.create(table: "connection") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("instanceId", .text).notNull().references("instance", onDelete: .cascade)
                t.column("variable", .text).notNull()
                t.column("component", .text).notNull()
                t.column("connectionType", .text).notNull()
                t.column("complete", .boolean).notNull().defaults(to: false)
                t.column("outcome", .text).notNull().defaults(to: "none")
                t.column("reason", .text)
                t.column("metadata", .text)
                t.column("revision", .integer).notNull().defaults(to: 1)
                t.column("updatedAt", .text).notNull()
                t.uniqueKey(["instanceId", "variable"])
            }
            try db.create(table: "fieldValue") { t in
                t.column("connectionId", .integer).notNull().references("connection", onDelete: .cascade)
                t.column("key", .text).notNull()
                t.column("value", .text)
                t.column("sealed", .blob)
                t.column("updatedAt", .text).notNull()
                t.column("updatedBy", .text).notNull()
                t.primaryKey(["connectionId", "key"])
            }
            try db.create(table: "token") { t in
                t.primaryKey("connectionId", .integer).references("connection", onDelete: .cascade)
                t.column("sealed", .blob).notNull()
                t.column("expiresAt", .text)
                t.column("obtainedAt", .text).notNull()
            }
            try db.create(table: "execution") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("connectionId", .integer).references("connection", onDelete: .cascade)
                t.column("instanceId", .text).notNull().references("instance", onDelete: .cascade)
                t.column("step", .text).notNull()
                t.column("command", .text).notNull()
                t.column("exitCode", .integer)
                t.column("outcome", .text).notNull()
                t.column("startedAt", .text).notNull()
                t.column("finishedAt", .text)
                t.column("user", .text).notNull()
            }
            try db.create(table: "logEntry") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("instanceId", .text).notNull().references("instance", onDelete: .cascade)
                t.column("connectionId", .integer).references("connection", onDelete: .cascade)
                t.column("time", .text).notNull()
                t.column("level", .text).notNull()
                t.column("source", .text).notNull()
                t.column("user", .text).notNull()
                t.column("message", .text).notNull()
            }
            try db.create(index: "logEntry_connection", on: "logEntry", columns: ["connectionId", "id"])
            try db.create(index: "logEntry_instance", on: "logEntry", columns: ["instanceId", "id"])
            try db.create(table: "draft") { t in
                t.column("instanceId", .text).notNull().references("instance", onDelete: .cascade)
                t.column("user", .text).notNull()
                t.column("sealed", .blob).notNull()
                t.column("savedAt", .text).notNull()
                t.primaryKey(["instanceId", "user"])
            }
        }
        migrator.registerMigration("v2: oauth") { db in
            // Authorizations waiting for their callback. Keyed by the SHA-256 of `state`, so
            // the table never holds a value that could complete one; the PKCE verifier and
            // the callback (it carries the code) are sealed.
            try db.create(table: "oauthPending") { t in
                t.primaryKey("stateHash", .text)
                t.column("connectionId", .integer).notNull().references("connection", onDelete: .cascade)
                t.column("sealedVerifier", .blob)
                t.column("redirectUri", .text).notNull()
                t.column("createdAt", .text).notNull()
                t.column("createdBy", .text).notNull()
                t.column("expiresAt", .text).notNull()
                t.column("sealedCallback", .blob)
                t.column("callbackAt", .text)
            }
            try db.create(index: "oauthPending_connection", on: "oauthPending", columns: ["connectionId"])
            // What refresh needs: a generation bumped by every store (a refresh only writes
            // over the tokens it started from), whether there is a way to refresh, the
            // backoff after temporary failures, a final failure that stops automatic refresh,
            // and a lease so one process at a time refreshes a connection.
            try db.alter(table: "token") { t in
                t.add(column: "generation", .integer).notNull().defaults(to: 0)
                t.add(column: "refreshable", .boolean).notNull().defaults(to: false)
                t.add(column: "refreshFailures", .integer).notNull().defaults(to: 0)
                t.add(column: "retryAt", .text)
                t.add(column: "refreshError", .text)
                t.add(column: "leaseOwner", .text)
                t.add(column: "leaseUntil", .text)
            }
            try db.create(index: "token_refresh", on: "token", columns: ["refreshable", "expiresAt"])
        }
        migrator.registerMigration("v3: message parts") { db in
            // Log lines and reasons as typed parts (JSON of `Message.Part`), so each
            // audience gets its own rendering; `message` and `reason` keep the team's text
            // for rows written before, which customers read through the redactor as ever.
            try db.alter(table: "logEntry") { t in t.add(column: "parts", .text) }
            try db.alter(table: "connection") { t in t.add(column: "reasonParts", .text) }
        }
        migrator.registerMigration("v4: connection events") { db in
            // Status changes and refresh failures and recoveries (`switchboard events`).
            // AUTOINCREMENT: an id is never handed out twice, even after the newest rows
            // went with their instance, so a consumer resuming after an id misses nothing
            // and repeats nothing. The variable is copied (a connection an upgrade drops
            // keeps its history); the reason is kept as typed parts, like a log line's, so
            // each reader gets the rendering for their role.
            try db.create(table: "connectionEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("instanceId", .text).notNull().references("instance", onDelete: .cascade)
                t.column("connectionId", .integer).references("connection", onDelete: .setNull)
                t.column("variable", .text).notNull()
                t.column("time", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("fromStatus", .text).notNull()
                t.column("toStatus", .text).notNull()
                t.column("reason", .text)
                t.column("reasonParts", .text)
                t.column("source", .text).notNull()
                t.column("user", .text).notNull()
            }
            try db.create(index: "connectionEvent_instance", on: "connectionEvent", columns: ["instanceId", "id"])
            try db.create(index: "connectionEvent_connection", on: "connectionEvent", columns: ["connectionId", "id"])
        }
        migrator.registerMigration("v5: discovery") { db in
            // The issuer's metadata (RFC 8414) as fetched at the last CONNECT, so refresh
            // and DISCONNECT use the endpoints CONNECT used. A cache: JSON, no secrets.
            try db.alter(table: "connection") { t in t.add(column: "discovery", .text) }
        }
        migrator.registerMigration("v6: refresh health and keep-alive") { db in
            // Refresh health (`show --json`'s "refresh"): the last success and failure, the
            // last error as typed parts (rendered per reader, like a reason), when the
            // current run of failures began (the give-up period counts from it) and when it
            // turned the badge red. `renewBy`: when a type's `keepAlive` wants the refresh
            // token used again, written with the tokens so the due query stays one SQL
            // condition. Rows stored before get it at their next refresh or reconnect.
            try db.alter(table: "token") { t in
                t.add(column: "lastSuccessAt", .text)
                t.add(column: "lastFailureAt", .text)
                t.add(column: "lastError", .text)
                t.add(column: "failingSince", .text)
                t.add(column: "gaveUpAt", .text)
                t.add(column: "renewBy", .text)
            }
            try db.create(index: "token_renew", on: "token", columns: ["refreshable", "renewBy"])
        }
        return migrator
    }
}
