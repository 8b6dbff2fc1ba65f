/**
 * GitHub deliveries for the intake's tests: an `issues` payload with the
 * fields GitHub sends (and a few it sends that the intake ignores), signed
 * like GitHub signs them. Not in the package's API: tests elsewhere (the CLI's
 * `intake serve`, the webhook Lambda bundle) import it as
 * `@miyabi/queue/testing/intake`, a source-only export.
 */
import { TaskKind } from "@miyabi/types"
import { Layer, Redacted } from "effect"
import * as DeliveryStore from "../DeliveryStore.js"
import * as WebhookIntake from "../WebhookIntake.js"
import { sign } from "../WebhookSignature.js"
import * as MemoryTaskQueue from "./MemoryTaskQueue.js"

export const SECRET = "It's a Secret to Everybody"

export const issuesPayload = (options: {
  readonly action?: string
  readonly labels?: ReadonlyArray<string>
  readonly label?: string
  readonly owner?: string
}): string =>
  JSON.stringify({
    action: options.action ?? "labeled",
    issue: {
      id: 1001,
      number: 42,
      title: "Right-size the idle RDS instances",
      html_url: "https://github.com/acme/infra/issues/42",
      state: "open",
      labels: (options.labels ?? ["miyabi"]).map((name, i) => ({ id: i + 1, name, color: "ededed" })),
      user: { login: "octocat" }
    },
    ...(options.label === undefined ? {} : { label: { id: 99, name: options.label } }),
    repository: { id: 7, full_name: `${options.owner ?? "acme"}/infra`, owner: { login: options.owner ?? "acme" } },
    sender: { login: "octocat" }
  })

export interface Delivery {
  readonly headers: Record<string, string>
  readonly body: string
}

/** A delivery as GitHub sends it; `signature: null` leaves the header out. */
export const delivery = (
  body: string,
  options: { readonly id?: string; readonly event?: string; readonly signature?: string | null; readonly secret?: string } = {}
): Delivery => {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": "GitHub-Hookshot/abc123",
    "X-GitHub-Event": options.event ?? "issues",
    "X-GitHub-Delivery": options.id ?? "72d3162e-cc78-11e3-81ab-4c9367dc0958"
  }
  const signature = options.signature === undefined ? sign(options.secret ?? SECRET, body) : options.signature
  if (signature !== null) headers["X-Hub-Signature-256"] = signature
  return { headers, body }
}

export const config: WebhookIntake.IntakeConfig = {
  secret: Redacted.make(SECRET),
  triggerLabel: "miyabi",
  defaultKind: TaskKind.make("aws-cycle"),
  defaultPriority: "standard",
  replayWindow: "72 hours"
}

/** A fresh intake over an in-memory queue and delivery store. */
export const TestIntake = WebhookIntake.layer(config).pipe(
  Layer.provideMerge(Layer.merge(MemoryTaskQueue.layer, DeliveryStore.layerMemory({ maxEntries: 100 })))
)
