/**
 * The SQLite store's schema, versioned with `PRAGMA user_version` so that a
 * store written by an older release is upgraded in place when it is opened.
 *
 * Times are epoch milliseconds (INTEGER). The tables mirror the DynamoDB
 * design (PK = TASK#<id>, SK = METADATA | EXECUTION#<phase> | LOG#<timestamp>):
 * `tasks` holds METADATA, `task_executions` is keyed by (task id, phase) and
 * `task_logs` by (task id, timestamp, sequence).
 */
import type Database from "better-sqlite3"

const migrations: ReadonlyArray<string> = [
  `
  CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    priority INTEGER NOT NULL,
    tenant TEXT,
    idempotency_key TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    available_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    lease_worker TEXT,
    lease_token TEXT,
    lease_expires_at INTEGER,
    last_error TEXT,
    result TEXT
  );
  CREATE UNIQUE INDEX tasks_idempotency_key ON tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
  CREATE INDEX tasks_pending ON tasks (priority, available_at, seq) WHERE status = 'Pending';
  CREATE INDEX tasks_leases ON tasks (lease_expires_at) WHERE status = 'InProgress';
  CREATE INDEX tasks_status ON tasks (status, priority);
  CREATE TABLE task_executions (
    task_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    output TEXT,
    PRIMARY KEY (task_id, phase)
  ) WITHOUT ROWID;
  CREATE TABLE task_logs (
    task_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (task_id, at, seq)
  ) WITHOUT ROWID;
  `
]

/** The schema version this release writes. */
export const SCHEMA_VERSION = migrations.length

/**
 * Brings the store up to `SCHEMA_VERSION` inside one immediate transaction,
 * so two processes opening a new file at once do not both create tables.
 * Returns the version found before migrating.
 */
export const migrate = (db: Database.Database): number =>
  db
    .transaction(() => {
      const found = db.pragma("user_version", { simple: true }) as number
      if (found > SCHEMA_VERSION) {
        throw new Error(`the store has schema version ${found}, newer than this release understands (${SCHEMA_VERSION})`)
      }
      for (let version = found; version < SCHEMA_VERSION; version++) {
        db.exec(migrations[version] ?? "")
      }
      if (found !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`)
      return found
    })
    .immediate()
