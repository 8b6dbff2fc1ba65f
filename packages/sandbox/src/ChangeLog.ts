/**
 * Every request the sandbox answered, and the mutating ones separately, so a
 * test can assert "nothing was changed" or "exactly these changes happened".
 * Both logs are bounded (oldest entries dropped first).
 */
export interface LoggedRequest {
  readonly seq: number
  readonly time: Date
  readonly requestId: string
  readonly service: string
  readonly operation: string
  readonly accountId: string
  readonly region: string
  readonly mutating: boolean
  readonly status: number
  readonly errorCode?: string
  /** The decoded input (JSON body or un-flattened form); for REST `{ method, path, query, body }` (body cut at 4 KiB). */
  readonly input?: unknown
}

export interface ChangeLog {
  /** All requests, oldest first. */
  readonly requests: () => ReadonlyArray<LoggedRequest>
  /** Successful mutating requests, oldest first. */
  readonly changes: () => ReadonlyArray<LoggedRequest>
  readonly clear: () => void
  readonly record: (entry: Omit<LoggedRequest, "seq">) => void
}

export const makeChangeLog = (capacity = 10_000): ChangeLog => {
  let requests: Array<LoggedRequest> = []
  let changes: Array<LoggedRequest> = []
  let seq = 0
  const push = (list: Array<LoggedRequest>, entry: LoggedRequest): Array<LoggedRequest> => {
    list.push(entry)
    return list.length > capacity ? list.slice(list.length - capacity) : list
  }
  return {
    requests: () => requests.slice(),
    changes: () => changes.slice(),
    clear: () => {
      requests = []
      changes = []
    },
    record: (entry) => {
      seq += 1
      const logged: LoggedRequest = { seq, ...entry }
      requests = push(requests, logged)
      if (entry.mutating && entry.status < 300) changes = push(changes, logged)
    }
  }
}
