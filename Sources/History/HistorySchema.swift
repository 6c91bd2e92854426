import GRDB

/// The schema of the history database, as GRDB migrations. A migration, once
/// released, never changes: later schema changes are new migrations.
enum HistorySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: delivery_attempt") { db in
            try db.create(table: HistoryEntry.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("service", .text).notNull()
                t.column("collector", .text).notNull()
                t.column("executor", .text).notNull()
                t.column("status", .text).notNull()
                t.column("attempt", .integer).notNull()
                t.column("started_ms", .integer).notNull()
                t.column("duration_ms", .integer).notNull()
                t.column("sha256", .text).notNull()
                t.column("message", .text).notNull()
                t.column("stderr_tail", .text)
                t.column("assignment_version", .integer).notNull()
                t.column("target_count", .integer).notNull()
            }
            // One index per filter of `promshard history`, each ending in the sort key.
            try db.create(index: "delivery_attempt_started", on: "delivery_attempt", columns: ["started_ms"])
            try db.create(
                index: "delivery_attempt_service", on: "delivery_attempt", columns: ["service", "started_ms"])
            try db.create(
                index: "delivery_attempt_collector", on: "delivery_attempt",
                columns: ["collector", "started_ms"])
            try db.create(
                index: "delivery_attempt_status", on: "delivery_attempt", columns: ["status", "started_ms"])
        }
        migrator.registerMigration("v2: delivery_attempt.deferred") { db in
            try db.alter(table: HistoryEntry.databaseTableName) { t in
                t.add(column: "deferred", .boolean).notNull().defaults(to: false)
            }
        }
        return migrator
    }
}
