/**
 * `miyabi tasks enqueue|list|show|stats|retry|cancel`: inspect and steer the
 * task queue of `--store`. This module only declares the commands; their
 * handlers live in TasksHandlers.ts, imported when a command runs, so that
 * `miyabi --help` loads neither the queue nor SQLite.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"
import { choiceOption } from "../../ChoiceOption.js"

const handlers = Effect.promise(() => import("./TasksHandlers.js"))

// The literals of @miyabi/types' Priority and TaskStatus, spelled out so that
// `--help` does not load the domain schemas (TasksCommand.test.ts keeps them equal).
export const priorities = ["high", "standard"] as const
export const statuses = ["Pending", "InProgress", "Completed", "Failed", "Cancelled", "Blocked"] as const

export const enqueueOptions = {
  ...globalOptions,
  kind: Args.text({ name: "kind" }).pipe(Args.withDescription("The task kind, e.g. echo.")),
  payload: Options.text("payload").pipe(Options.withDescription("The payload as JSON text."), Options.optional),
  payloadFile: Options.file("payload-file").pipe(Options.withDescription("Read the payload JSON from a file."), Options.optional),
  priority: choiceOption("priority", priorities).pipe(Options.withDefault("standard" as const)),
  tenant: Options.text("tenant").pipe(Options.withDescription("The customer the task is done for."), Options.optional),
  idempotencyKey: Options.text("idempotency-key").pipe(
    Options.withDescription("A second enqueue with the same key returns the first task."),
    Options.optional
  )
}

export const listOptions = {
  ...globalOptions,
  status: choiceOption("status", statuses).pipe(Options.optional),
  kind: Options.text("kind").pipe(Options.optional),
  limit: intOption("limit", { min: 1, max: 10_000 }).pipe(
    Options.withDescription("At most this many tasks (1-10000)."),
    Options.withDefault(50)
  )
}

export const idOptions = { ...globalOptions, id: Args.text({ name: "id" }).pipe(Args.withDescription("The task's id.")) }

export const statsOptions = { ...globalOptions }

export const tasksCommand = Command.make("tasks").pipe(
  Command.withDescription("Enqueue, list, inspect, retry and cancel tasks."),
  Command.withSubcommands([
    Command.make("enqueue", enqueueOptions, (flags) => Effect.flatMap(handlers, (h) => h.enqueue(flags))).pipe(
      Command.withDescription("Add a task to the queue.")
    ),
    Command.make("list", listOptions, (flags) => Effect.flatMap(handlers, (h) => h.list(flags))).pipe(
      Command.withDescription("List tasks.")
    ),
    Command.make("show", idOptions, (flags) => Effect.flatMap(handlers, (h) => h.show(flags))).pipe(
      Command.withDescription("Show one task with its executions and logs.")
    ),
    Command.make("stats", statsOptions, (flags) => Effect.flatMap(handlers, (h) => h.stats(flags))).pipe(
      Command.withDescription("Queue depth, in-flight tasks and oldest waiting age per priority lane.")
    ),
    Command.make("retry", idOptions, (flags) => Effect.flatMap(handlers, (h) => h.transition("retry", flags))).pipe(
      Command.withDescription("Put a failed or cancelled task back to Pending with a fresh attempt budget.")
    ),
    Command.make("cancel", idOptions, (flags) => Effect.flatMap(handlers, (h) => h.transition("cancel", flags))).pipe(
      Command.withDescription("Cancel a pending task.")
    )
  ])
)
