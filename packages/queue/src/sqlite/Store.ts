/**
 * The synchronous core of the SQLite queue: prepared statements and the
 * transactions that must be atomic. Every function takes the current time
 * from its caller (Effect's Clock), so tests can drive it with TestClock.
 *
 * Claims run inside `BEGIN IMMEDIATE`: the write lock is taken before the
 * candidate is read, so two processes can never pick the same task. The
 * claim queries name their partial index (INDEXED BY): left to itself the
 * planner prefers tasks_status and sorts every pending row on each claim.
 */
import type Database from "better-sqlite3"
import type { TaskStatus } from "@miyabi/types"
import { errorJson, type ExecutionRow, type LogRow, type TaskRow } from "./TaskRow.js"

export interface NewTask {
  readonly id: string
  readonly kind: string
  readonly payload: string
  readonly priority: number
  readonly tenant: string | null
  readonly idempotencyKey: string | null
  readonly maxAttempts: number
}

export type Guarded<A> =
  | { readonly _tag: "Ok"; readonly value: A }
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "WrongState"; readonly row: TaskRow }

export interface LaneRow {
  readonly priority: number
  readonly depth: number
  readonly in_flight: number
  readonly oldest: number | null
}

const FINISHED: ReadonlyArray<TaskStatus> = ["Completed", "Failed", "Cancelled"]

const CLEAR_LEASE = "lease_worker = NULL, lease_token = NULL, lease_expires_at = NULL"

/** How many expired, exhausted leases one claim dead-letters before it looks for work. */
const EXHAUSTED_BATCH = 100

export const makeStore = (db: Database.Database) => {
  const byId = db.prepare<[string], TaskRow>("SELECT * FROM tasks WHERE id = ?")
  const byKey = db.prepare<[string], TaskRow>("SELECT * FROM tasks WHERE idempotency_key = ?")
  const insert = db.prepare<[Record<string, unknown>], TaskRow>(
    `INSERT INTO tasks (id, kind, payload, priority, tenant, idempotency_key, status, attempts, max_attempts, created_at, updated_at, available_at)
     VALUES (@id, @kind, @payload, @priority, @tenant, @idempotencyKey, 'Pending', 0, @maxAttempts, @now, @now, @now) RETURNING *`
  )
  const exhausted = db.prepare<[number], TaskRow>(
    `SELECT * FROM tasks INDEXED BY tasks_leases WHERE status = 'InProgress' AND lease_expires_at <= ? AND attempts >= max_attempts LIMIT ${EXHAUSTED_BATCH}`
  )
  const deadLetter = db.prepare<[Record<string, unknown>]>(
    `UPDATE tasks SET status = 'Failed', finished_at = @now, updated_at = @now, last_error = @error, ${CLEAR_LEASE} WHERE seq = @seq`
  )
  const claimStatements = new Map<number, { pending: Database.Statement<unknown[], TaskRow>; expired: Database.Statement<unknown[], TaskRow> }>()
  const candidates = (kindCount: number) => {
    const cached = claimStatements.get(kindCount)
    if (cached !== undefined) return cached
    const kinds = kindCount === 0 ? "" : ` AND kind IN (${Array.from({ length: kindCount }, () => "?").join(", ")})`
    const made = {
      pending: db.prepare<unknown[], TaskRow>(
        `SELECT * FROM tasks INDEXED BY tasks_pending WHERE status = 'Pending' AND available_at <= ?${kinds} ORDER BY priority, available_at, seq LIMIT 1`
      ),
      expired: db.prepare<unknown[], TaskRow>(
        `SELECT * FROM tasks INDEXED BY tasks_leases WHERE status = 'InProgress' AND lease_expires_at <= ?${kinds} ORDER BY priority, available_at, seq LIMIT 1`
      )
    }
    claimStatements.set(kindCount, made)
    return made
  }
  const take = db.prepare<[Record<string, unknown>], TaskRow>(
    `UPDATE tasks SET status = 'InProgress', attempts = attempts + 1, lease_worker = @worker, lease_token = @token,
       lease_expires_at = @expiresAt, started_at = @now, updated_at = @now, last_error = COALESCE(@error, last_error)
     WHERE seq = @seq RETURNING *`
  )
  const extend = db.prepare<[Record<string, unknown>], TaskRow>(
    "UPDATE tasks SET lease_expires_at = @expiresAt, updated_at = @now WHERE id = @id AND status = 'InProgress' AND lease_token = @token RETURNING *"
  )
  const finish = db.prepare<[Record<string, unknown>], TaskRow>(
    `UPDATE tasks SET status = 'Completed', finished_at = @now, updated_at = @now, result = @result, ${CLEAR_LEASE}
     WHERE id = @id AND status = 'InProgress' AND lease_token = @token RETURNING *`
  )
  const leased = db.prepare<[string, string], TaskRow>("SELECT * FROM tasks WHERE id = ? AND status = 'InProgress' AND lease_token = ?")
  const failTo = db.prepare<[Record<string, unknown>], TaskRow>(
    `UPDATE tasks SET status = @status, available_at = @availableAt, finished_at = @finishedAt, updated_at = @now, last_error = @error, ${CLEAR_LEASE}
     WHERE seq = @seq RETURNING *`
  )
  const giveBack = db.prepare<[Record<string, unknown>], TaskRow>(
    `UPDATE tasks SET status = 'Pending', attempts = MAX(attempts - 1, 0), updated_at = @now, ${CLEAR_LEASE}
     WHERE id = @id AND status = 'InProgress' AND lease_token = @token RETURNING *`
  )
  const cancelRow = db.prepare<[Record<string, unknown>], TaskRow>(
    `UPDATE tasks SET status = 'Cancelled', finished_at = @now, updated_at = @now, ${CLEAR_LEASE} WHERE seq = @seq RETURNING *`
  )
  const retryRow = db.prepare<[Record<string, unknown>], TaskRow>(
    `UPDATE tasks SET status = 'Pending', attempts = 0, available_at = @now, updated_at = @now, started_at = NULL, finished_at = NULL, ${CLEAR_LEASE}
     WHERE seq = @seq RETURNING *`
  )
  const lanes = db.prepare<[number], LaneRow>(
    `SELECT priority, SUM(status = 'Pending') AS depth, SUM(status = 'InProgress') AS in_flight,
       MIN(CASE WHEN status = 'Pending' AND available_at <= ? THEN available_at END) AS oldest
     FROM tasks WHERE status IN ('Pending', 'InProgress') GROUP BY priority`
  )
  const finishedCounts = db.prepare<[], { status: TaskStatus; n: number }>(
    "SELECT status, COUNT(*) AS n FROM tasks WHERE status IN ('Completed', 'Failed', 'Cancelled') GROUP BY status"
  )
  const upsertExecution = db.prepare<[Record<string, unknown>]>(
    `INSERT INTO task_executions (task_id, phase, attempt, status, started_at, finished_at, output)
     VALUES (@taskId, @phase, @attempt, @status, @startedAt, @finishedAt, @output)
     ON CONFLICT (task_id, phase) DO UPDATE SET attempt = excluded.attempt, status = excluded.status,
       started_at = excluded.started_at, finished_at = excluded.finished_at, output = excluded.output`
  )
  const executionsOf = db.prepare<[string], ExecutionRow>("SELECT * FROM task_executions WHERE task_id = ? ORDER BY started_at, phase")
  const insertLog = db.prepare<[Record<string, unknown>]>(
    `INSERT INTO task_logs (task_id, at, seq, level, message)
     SELECT @taskId, @at, COALESCE(MAX(seq), 0) + 1, @level, @message FROM task_logs WHERE task_id = @taskId AND at = @at`
  )
  const logsOf = db.prepare<[string], LogRow>("SELECT task_id, at, level, message FROM task_logs WHERE task_id = ? ORDER BY at, seq")

  const enqueue = db.transaction((task: NewTask, now: number): { row: TaskRow; created: boolean } => {
    if (task.idempotencyKey !== null) {
      const existing = byKey.get(task.idempotencyKey)
      if (existing !== undefined) return { row: existing, created: false }
    }
    const row = insert.get({ ...task, now })
    if (row === undefined) throw new Error("INSERT ... RETURNING gave no row")
    return { row, created: true }
  })

  const claim = db.transaction(
    (now: number, worker: string, token: string, leaseMs: number, kinds: ReadonlyArray<string>): TaskRow | undefined => {
      // Leases that expired on their last allowed attempt are not claimable again: the
      // crashed attempt counted, so the task is dead-lettered instead.
      for (const row of exhausted.all(now)) {
        deadLetter.run({
          now,
          seq: row.seq,
          error: errorJson({ message: `the lease of worker ${row.lease_worker ?? "?"} expired on the last attempt`, attempt: row.attempts, at: now, retryable: false })
        })
      }
      const statements = candidates(kinds.length)
      const pending = statements.pending.get(now, ...kinds)
      const expired = statements.expired.get(now, ...kinds)
      const next = pending === undefined ? expired : expired === undefined ? pending : earlier(pending, expired)
      if (next === undefined) return undefined
      const error =
        next.status === "InProgress"
          ? errorJson({ message: `the lease of worker ${next.lease_worker ?? "?"} expired`, attempt: next.attempts, at: now, retryable: true })
          : null
      return take.get({ seq: next.seq, worker, token, expiresAt: now + leaseMs, now, error })
    }
  )

  const fail = db.transaction(
    (id: string, token: string, now: number, message: string, retryable: boolean, delay: (attempt: number) => number): TaskRow | undefined => {
      const row = leased.get(id, token)
      if (row === undefined) return undefined
      const dead = !retryable || row.attempts >= row.max_attempts
      return failTo.get({
        seq: row.seq,
        now,
        status: dead ? "Failed" : "Pending",
        availableAt: dead ? row.available_at : now + delay(row.attempts),
        finishedAt: dead ? now : null,
        error: errorJson({ message, attempt: row.attempts, at: now, retryable })
      })
    }
  )

  const guarded = (id: string, allowed: (status: TaskStatus) => boolean, update: (row: TaskRow) => TaskRow | undefined) =>
    db.transaction((): Guarded<TaskRow> => {
      const row = byId.get(id)
      if (row === undefined) return { _tag: "NotFound" }
      if (!allowed(row.status)) return { _tag: "WrongState", row }
      const updated = update(row)
      return updated === undefined ? { _tag: "NotFound" } : { _tag: "Ok", value: updated }
    })

  return {
    byId: (id: string) => byId.get(id),
    enqueue: (task: NewTask, now: number) => enqueue.immediate(task, now),
    claim: (now: number, worker: string, token: string, leaseMs: number, kinds: ReadonlyArray<string>) => {
      // A read needs no lock in WAL mode: idle workers polling an empty queue
      // then never take the write lock from the ones that have work to do.
      const statements = candidates(kinds.length)
      if (statements.pending.get(now, ...kinds) === undefined && statements.expired.get(now, ...kinds) === undefined) return undefined
      return claim.immediate(now, worker, token, leaseMs, kinds)
    },
    extend: (id: string, token: string, now: number, leaseMs: number) => extend.get({ id, token, now, expiresAt: now + leaseMs }),
    complete: (id: string, token: string, now: number, result: string | null) => finish.get({ id, token, now, result }),
    fail: (id: string, token: string, now: number, message: string, retryable: boolean, delay: (attempt: number) => number) =>
      fail.immediate(id, token, now, message, retryable, delay),
    release: (id: string, token: string, now: number) => giveBack.get({ id, token, now }),
    cancel: (id: string, now: number) =>
      guarded(id, (status) => !FINISHED.includes(status) || status === "Cancelled", (row) =>
        row.status === "Cancelled" ? row : cancelRow.get({ seq: row.seq, now })
      ).immediate(),
    retry: (id: string, now: number) =>
      guarded(id, (status) => status === "Failed" || status === "Cancelled", (row) => retryRow.get({ seq: row.seq, now })).immediate(),
    list: (where: string, params: ReadonlyArray<string | number>, limit: number) =>
      db.prepare<unknown[], TaskRow>(`SELECT * FROM tasks${where} ORDER BY seq DESC LIMIT ?`).all(...params, limit),
    stats: (now: number) =>
      db.transaction(() => ({ lanes: lanes.all(now), finished: finishedCounts.all() }))(),
    recordExecution: (row: Record<string, unknown>) => void upsertExecution.run(row),
    executions: (id: string) => executionsOf.all(id),
    appendLog: (row: Record<string, unknown>) => void insertLog.run(row),
    logs: (id: string) => logsOf.all(id)
  }
}

export type Store = ReturnType<typeof makeStore>

const earlier = (a: TaskRow, b: TaskRow): TaskRow =>
  a.priority !== b.priority ? (a.priority < b.priority ? a : b) : a.available_at !== b.available_at ? (a.available_at < b.available_at ? a : b) : a.seq < b.seq ? a : b
