/**
 * The SQLite queue, in its own module so that the CLI loads better-sqlite3
 * only when a command opens a store (see QueueStore).
 */
import { SqliteTaskQueue, type SqliteTaskQueueOptions } from "@miyabi/queue"

export const sqliteQueue = (path: string, options: SqliteTaskQueueOptions) => SqliteTaskQueue.layer(path, options)
