/**
 * The subset of GitHub's `issues` webhook payload the intake reads, and its
 * mapping to an EnqueueRequest. Labels drive it: the trigger label (e.g.
 * `miyabi`) asks for work, `agent:<kind>` picks the handler, `priority:high`,
 * `P0` or `P1` the high-priority queue, `tenant:<id>` the tenant.
 */
import { EnqueueRequest, IdempotencyKey, Priority, TaskKind, Tenant } from "@miyabi/types"
import { Either, Schema } from "effect"

const Label = Schema.Struct({ name: Schema.String })

export const IssuesEvent = Schema.Struct({
  action: Schema.String,
  issue: Schema.Struct({
    number: Schema.Int.pipe(Schema.positive()),
    title: Schema.String,
    html_url: Schema.String,
    labels: Schema.Array(Label)
  }),
  /** Present on `labeled` / `unlabeled`: the label that changed. */
  label: Schema.optionalWith(Label, { exact: true }),
  repository: Schema.Struct({
    full_name: Schema.String,
    owner: Schema.Struct({ login: Schema.String })
  })
})
export type IssuesEvent = typeof IssuesEvent.Type

export interface IssueMappingOptions {
  readonly triggerLabel: string
  readonly defaultKind: TaskKind
  readonly defaultPriority: Priority
}

/** The task's payload: enough for a handler to find the issue again. */
export interface IssueTaskPayload {
  readonly repository: string
  readonly issueNumber: number
  readonly title: string
  readonly url: string
}

export type IssueMapping =
  | { readonly _tag: "Enqueue"; readonly request: EnqueueRequest }
  | { readonly _tag: "Ignore"; readonly reason: string }

const HIGH_PRIORITY = new Set(["priority:high", "p0", "p1"])

const labelValue = (labels: ReadonlyArray<string>, prefix: string): string | undefined =>
  labels.find((name) => name.toLowerCase().startsWith(prefix))?.slice(prefix.length).trim()

/**
 * Maps an issues event to the task it asks for, Ignore when it asks for none,
 * or a reason (Left) when its labels are unusable.
 */
export const toEnqueueRequest = (event: IssuesEvent, deliveryId: string, options: IssueMappingOptions): Either.Either<IssueMapping, string> => {
  const labels = event.issue.labels.map((label) => label.name)
  const trigger = options.triggerLabel.toLowerCase()
  const hasTrigger = labels.some((name) => name.toLowerCase() === trigger)
  const triggered =
    event.action === "labeled"
      ? event.label?.name.toLowerCase() === trigger
      : (event.action === "opened" || event.action === "reopened") && hasTrigger
  if (!triggered) {
    return Either.right({ _tag: "Ignore", reason: `issues.${event.action} without the "${options.triggerLabel}" label being applied` })
  }
  const agent = labelValue(labels, "agent:")
  const kind = agent === undefined ? Either.right(options.defaultKind) : Schema.decodeUnknownEither(TaskKind)(agent)
  if (Either.isLeft(kind)) return Either.left(`label "agent:${agent}" does not name a task kind (lower-case letters, digits and dashes)`)
  const tenantLabel = labelValue(labels, "tenant:")
  const tenant = Schema.decodeUnknownEither(Tenant)(tenantLabel ?? event.repository.owner.login)
  if (Either.isLeft(tenant)) return Either.left(`tenant "${tenantLabel ?? event.repository.owner.login}" is not a valid tenant (1-128 characters)`)
  const key = Schema.decodeUnknownEither(IdempotencyKey)(deliveryId)
  if (Either.isLeft(key)) return Either.left("the delivery id cannot serve as an idempotency key")
  const payload: IssueTaskPayload = {
    repository: event.repository.full_name,
    issueNumber: event.issue.number,
    title: event.issue.title,
    url: event.issue.html_url
  }
  return Either.right({
    _tag: "Enqueue",
    request: EnqueueRequest.make({
      kind: kind.right,
      payload,
      priority: labels.some((name) => HIGH_PRIORITY.has(name.toLowerCase())) ? "high" : options.defaultPriority,
      tenant: tenant.right,
      idempotencyKey: key.right,
      maxAttempts: 3
    })
  })
}
