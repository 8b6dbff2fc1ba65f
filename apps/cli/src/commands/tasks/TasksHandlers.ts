/**
 * What the `tasks` commands do. Loaded on first use (see TasksCommand.ts),
 * so `miyabi --help` does not load the queue.
 */
import type * as Command from "@effect/cli/Command"
import { TaskQueue } from "@miyabi/queue"
import { decodeInput, EnqueueRequest, TaskId, TaskKind } from "@miyabi/types"
import { Effect, Option } from "effect"
import { withQueue } from "../../CommandContext.js"
import { checkPayload } from "../../handlers/BuiltinKinds.js"
import { Output } from "../../Output.js"
import { readPayload } from "../../PayloadJson.js"
import { executionTable, logLines, statsTable, taskFields, taskTable } from "../../render/TaskView.js"
import type { enqueueOptions, idOptions, listOptions, statsOptions } from "./TasksCommand.js"

type Flags<A extends Command.Command.Config> = Command.Command.ParseConfig<A>

const parseTaskId = (raw: string) => decodeInput(TaskId, "task id")(raw)

/** The task `tasks enqueue` asks for, checked before the store is opened (a refused task creates no store). */
const enqueueRequest = (flags: Flags<typeof enqueueOptions>) =>
  Effect.gen(function* () {
    const kind = yield* decodeInput(TaskKind, "kind")(flags.kind)
    const { value: payload, fileText } = yield* readPayload({
      payload: Option.getOrUndefined(flags.payload),
      payloadFile: Option.getOrUndefined(flags.payloadFile)
    })
    const source = Option.isSome(flags.payloadFile) ? `--payload-file ${flags.payloadFile.value}` : "--payload"
    const check = checkPayload(kind, payload, source, fileText)
    if (check !== undefined) yield* check
    return yield* decodeInput(EnqueueRequest, "task")({
      kind,
      payload,
      priority: flags.priority,
      ...Option.match(flags.tenant, { onNone: () => ({}), onSome: (tenant) => ({ tenant }) }),
      ...Option.match(flags.idempotencyKey, { onNone: () => ({}), onSome: (idempotencyKey) => ({ idempotencyKey }) })
    })
  })

export const enqueue = (flags: Flags<typeof enqueueOptions>) =>
  Effect.flatMap(enqueueRequest(flags), (request) =>
    withQueue(
      flags,
      Effect.gen(function* () {
        const queue = yield* TaskQueue
        const { created, task } = yield* queue.enqueue(request)
        const output = yield* Output
        if (output.json) return yield* output.printJson({ created, task })
        yield* output.print(`${created ? "enqueued" : "already enqueued (same idempotency key)"} ${task.id}\n${taskFields(task)}`)
      })
    )
  )

export const list = (flags: Flags<typeof listOptions>) =>
  withQueue(
    flags,
    Effect.gen(function* () {
      const kind = yield* Option.match(flags.kind, {
        onNone: () => Effect.succeed(undefined),
        onSome: (raw) => decodeInput(TaskKind, "--kind")(raw)
      })
      const queue = yield* TaskQueue
      const tasks = yield* queue.list({
        limit: flags.limit,
        ...(kind === undefined ? {} : { kind }),
        ...Option.match(flags.status, { onNone: () => ({}), onSome: (status) => ({ status }) })
      })
      const output = yield* Output
      yield* output.json ? output.printJson({ tasks }) : output.print(taskTable(tasks, output.colour))
    })
  )

export const show = (flags: Flags<typeof idOptions>) =>
  withQueue(
    flags,
    Effect.gen(function* () {
      const id = yield* parseTaskId(flags.id)
      const queue = yield* TaskQueue
      const task = yield* queue.get(id)
      const [executions, logs] = yield* Effect.all([queue.executions(id), queue.logs(id)])
      const output = yield* Output
      if (output.json) return yield* output.printJson({ task, executions, logs })
      const sections = [taskFields(task)]
      if (executions.length > 0) sections.push("", "executions", executionTable(executions, output.colour))
      sections.push("", logs.length === 0 ? "no logs" : `logs\n${logLines(logs)}`)
      yield* output.print(sections.join("\n"))
    })
  )

export const stats = (flags: Flags<typeof statsOptions>) =>
  withQueue(
    flags,
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const current = yield* queue.stats()
      const output = yield* Output
      yield* output.json ? output.printJson(current) : output.print(statsTable(current, output.colour))
    })
  )

export const transition = (name: "retry" | "cancel", flags: Flags<typeof idOptions>) =>
  withQueue(
    flags,
    Effect.gen(function* () {
      const id = yield* parseTaskId(flags.id)
      const queue = yield* TaskQueue
      const task = yield* name === "retry" ? queue.retry(id) : queue.cancel(id)
      const output = yield* Output
      yield* output.json ? output.printJson({ task }) : output.print(`${task.id} is now ${task.status}`)
    })
  )
