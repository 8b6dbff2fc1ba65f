/**
 * θ4's test helpers that need no sandbox: hand-made execution plans (built
 * from the types, independent of the optimizer), the AWS runtime and layers,
 * and the world as the describe calls show it.
 */
import { AwsRuntime } from "@miyabi/aws-runtime"
import {
  AccountId,
  Arn,
  BlastRadius,
  Change,
  type ChangeAction,
  ChangeId,
  CycleId,
  ExecutionPlan,
  MicroUsd,
  Region,
  ResourceId,
  type ResourceKind,
  ResourceRef,
  RuleId
} from "@miyabi/types"
import { Duration, Effect, Layer, Option } from "effect"
import * as DeploymentStore from "./DeploymentStore.js"
import * as LiveResources from "./LiveResources.js"

export const CYCLE = CycleId.make("cycle-7")

export const runtime = AwsRuntime.layer({ region: "us-east-1", retryBaseDelay: Duration.millis(2), retryMaxDelay: Duration.millis(10), maxAttempts: 3 })
export const stack = Layer.mergeAll(LiveResources.layerWith({ s3ForcePathStyle: true }), DeploymentStore.layerMemory).pipe(Layer.provideMerge(runtime))
export const VALIDATION = { spacing: Duration.millis(10), timeout: Duration.seconds(5) }

const ARN_SERVICE: Partial<Record<ResourceKind, (region: string, account: string, id: string) => string>> = {
  "ec2-instance": (r, a, id) => `arn:aws:ec2:${r}:${a}:instance/${id}`,
  "ebs-volume": (r, a, id) => `arn:aws:ec2:${r}:${a}:volume/${id}`,
  "elastic-ip": (r, a, id) => `arn:aws:ec2:${r}:${a}:elastic-ip/${id}`,
  "security-group": (r, a, id) => `arn:aws:ec2:${r}:${a}:security-group/${id}`,
  "rds-instance": (r, a, id) => `arn:aws:rds:${r}:${a}:db:${id}`,
  "lambda-function": (r, a, id) => `arn:aws:lambda:${r}:${a}:function:${id}`,
  "s3-bucket": (_r, _a, id) => `arn:aws:s3:::${id}`
}

export const ref = (kind: ResourceKind, account: string, region: string, id: string): ResourceRef =>
  ResourceRef.make({ id: ResourceId.make(id), arn: Arn.make(ARN_SERVICE[kind]?.(region, account, id) ?? id), kind, account: AccountId.make(account), region: Region.make(region) })

export const change = (n: number, resource: ResourceRef, action: ChangeAction, rollback?: ChangeAction, savings = 10_000_000): Change =>
  Change.make({
    id: ChangeId.make(`change-${n}`),
    rule: RuleId.make("cost.test-rule"),
    resource,
    findings: [],
    summary: `${action._tag} ${resource.id}`,
    priority: "P1",
    action,
    ...(rollback === undefined ? {} : { rollback }),
    preconditions: [],
    expectedMonthlySavings: MicroUsd.make(savings),
    risk: "low",
    confidence: 0.9
  })

export const plan = (changes: ReadonlyArray<Change>, blastRadius: Partial<{ maxChanges: number; maxChangesPerAccount: number }> = {}): ExecutionPlan =>
  ExecutionPlan.make({
    cycleId: CYCLE,
    createdAt: new Date("2026-11-20T00:00:00Z"),
    changes,
    expectedMonthlySavings: MicroUsd.make(changes.reduce((s, c) => s + c.expectedMonthlySavings, 0)),
    blastRadius: BlastRadius.make({ maxChanges: blastRadius.maxChanges ?? 10, maxChangesPerAccount: blastRadius.maxChangesPerAccount ?? 10, maxRisk: "medium" }),
    protectedTagKeys: []
  })

/** What the describe calls say of the plan's resources: the world as the deployer can see it. */
export const world = (changes: ReadonlyArray<Change>) =>
  Effect.flatMap(LiveResources.LiveResources, (live) =>
    Effect.forEach(changes, (c) =>
      Effect.map(live.observe(c.resource), (r) =>
        Option.match(r, { onNone: () => ({ id: c.resource.id, gone: true }), onSome: (x) => ({ id: x.id, state: x.state, tags: x.tags, details: { ...x.details, launchTime: undefined } }) })
      )
    )
  )
