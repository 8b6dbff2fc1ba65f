/**
 * Maps what better-sqlite3 throws to one readable `QueueError`. SQLite's
 * extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_CANTOPEN_ISDIR, ...) share
 * the prefix of their primary code, which is what a user can act on.
 */
import Database from "better-sqlite3"
import { QueueError } from "../TaskQueue.js"

const explain = (cause: unknown): string => {
  if (cause instanceof Database.SqliteError) {
    const code = cause.code
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
      return `the store is locked by another process and stayed locked past the busy timeout (${code})`
    }
    if (code.startsWith("SQLITE_NOTADB")) return "the file is not a SQLite database"
    if (code.startsWith("SQLITE_CANTOPEN")) return `the file cannot be opened (${cause.message})`
    if (code.startsWith("SQLITE_READONLY")) return `the store is read-only (${cause.message})`
    if (code.startsWith("SQLITE_CORRUPT")) return `the store is corrupt (${cause.message})`
    if (code.startsWith("SQLITE_FULL")) return "the disk is full"
    if (code.startsWith("SQLITE_IOERR")) return `an I/O error (${code}: ${cause.message})`
    return `${code}: ${cause.message}`
  }
  return cause instanceof Error ? cause.message : String(cause)
}

/** A failure opening the store at `path`: the path is named so a user can fix it. */
export const openError = (path: string, cause: unknown): QueueError =>
  new QueueError({ operation: "TaskQueue.open", reason: "StoreUnavailable", detail: `cannot open the queue store ${JSON.stringify(path)}: ${explain(cause)}` })

/** A failure of an operation on an open store. */
export const storeError = (operation: string, path: string, cause: unknown): QueueError =>
  new QueueError({ operation, reason: "StoreUnavailable", detail: `${explain(cause)} (store ${JSON.stringify(path)})` })
