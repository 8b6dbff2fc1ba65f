/**
 * One behaviour suite for every DeploymentStore (memory, file, SQLite,
 * DynamoDB): a store's test calls `deploymentStoreConformance(backend)`.
 */
import { describe, expect, it } from "@effect/vitest"
import { AccountId, ChangeExecution, DeploymentId, DeploymentRecord, EbsVolumeDetails, Region, type Resource, wasRead } from "@miyabi/types"
import { Duration, Effect, Layer, Option, Ref, type Scope } from "effect"
import { makeResource } from "../adapters/Inventory.js"
import { CYCLE, change, plan, ref } from "./Deployer.testkit.js"
import { resume } from "./Deployer.js"
import { DeploymentStore, type DeploymentStoreShape, StoredDeployment } from "./DeploymentStore.js"
import { LiveResources } from "./LiveResources.js"

export interface OpenedDeploymentStore {
  readonly store: DeploymentStoreShape
  /** Another store over the same data (as in another process); the memory store returns itself. */
  readonly reopen: Effect.Effect<DeploymentStoreShape, unknown, Scope.Scope>
  /** Damages the stored record of `id` as a bad disk or a foreign writer would (not for the memory store). */
  readonly corrupt?: (id: string) => Effect.Effect<void, unknown>
}

export interface DeploymentStoreBackend {
  readonly name: string
  readonly open: Effect.Effect<OpenedDeploymentStore, unknown, Scope.Scope>
  /** Whether a save over a record another instance changed since is refused (every store but memory). */
  readonly versioned: boolean
}

const vol = ref("ebs-volume", "123456789012", "us-east-1", "vol-0123456789abcdef0")
const gp3 = change(1, vol, { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3" })
const volume = (volumeType: EbsVolumeDetails["volumeType"]): Resource =>
  makeResource({
    id: vol.id,
    arn: vol.arn,
    kind: "ebs-volume",
    account: AccountId.make("123456789012"),
    region: Region.make("us-east-1"),
    state: "detached",
    tags: { "miyabi:protected": "false" },
    details: EbsVolumeDetails.make({ volumeType, sizeGiB: 10, iops: 100, encrypted: false, awsState: "available" })
  })

/** A deployment of one gp2 -> gp3 change, recorded "running" before the change was sent (as a process that died there leaves it). */
export const storedDeployment = (status: "running" | "succeeded", id = "d-1") =>
  StoredDeployment.make({
    plan: plan([gp3]),
    record: DeploymentRecord.make({
      id: DeploymentId.make(id),
      cycleId: CYCLE,
      mode: "apply",
      status,
      approvedBy: "alice",
      startedAt: new Date("2026-11-27T10:00:00Z"),
      executions: [
        ChangeExecution.make({ changeId: gp3.id, resource: vol, action: gp3.action, status: "running", before: volume("gp2"), inverse: { _tag: "ModifyVolume", fromType: "gp3", toType: "gp2" }, startedAt: new Date("2026-11-27T10:00:01Z") })
      ]
    })
  })

const lb = ref("load-balancer", "123456789012", "us-east-1", "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1")
const stopLb = change(2, lb, { _tag: "StopInstance" })

/** A finished deployment: the volume change applied, and a change on a load balancer skipped without reading it (no reader for the kind). */
export const deploymentWithUnread = (id = "d-u") =>
  StoredDeployment.make({
    plan: plan([gp3, stopLb]),
    record: DeploymentRecord.make({
      ...storedDeployment("succeeded", id).record,
      finishedAt: new Date("2026-11-27T10:00:05Z"),
      executions: [
        ChangeExecution.make({ ...storedDeployment("succeeded", id).record.executions[0]!, status: "applied", finishedAt: new Date("2026-11-27T10:00:04Z") }),
        ChangeExecution.make({ changeId: stopLb.id, resource: lb, action: stopLb.action, status: "skipped", reason: "StopInstance applies to a ec2-instance, not a load-balancer", startedAt: new Date("2026-11-27T10:00:00Z"), finishedAt: new Date("2026-11-27T10:00:00Z") })
      ]
    })
  })

/** The one volume, live: observe reads its type, apply changes it. */
const liveVolume = (type: Ref.Ref<EbsVolumeDetails["volumeType"]>) =>
  Layer.succeed(LiveResources, {
    observe: () => Effect.map(Ref.get(type), (t) => Option.some(volume(t))),
    inverse: () => Effect.succeed(Option.some({ _tag: "ModifyVolume", fromType: "gp3", toType: "gp2" } as const)),
    apply: (_ref, action) => (action._tag === "ModifyVolume" ? Ref.set(type, action.toType) : Effect.void)
  })

const d = (id: string) => DeploymentId.make(id)

/** The deployment, started `minutes` after its usual start. */
const startedAt = (deployment: StoredDeployment, minutes: number) =>
  StoredDeployment.make({ plan: deployment.plan, record: DeploymentRecord.make({ ...deployment.record, startedAt: new Date(deployment.record.startedAt.getTime() + minutes * 60_000) }) })

export const deploymentStoreConformance = (backend: DeploymentStoreBackend): void => {
  describe(`DeploymentStore conformance: ${backend.name}`, () => {
    it.scoped("gives back what it saved (dates, resources, actions) in another instance, replaces on save, lists, none for an unknown id", () =>
      Effect.gen(function* () {
        const { store, reopen } = yield* backend.open
        expect(yield* store.list).toEqual([])
        yield* store.save(storedDeployment("running", "d-2"))
        yield* store.save(storedDeployment("running"))
        const again = yield* reopen
        const loaded = Option.getOrThrow(yield* again.load(d("d-1")))
        expect(loaded).toEqual(storedDeployment("running"))
        expect(loaded.record.executions[0]?.before?.details).toBeInstanceOf(EbsVolumeDetails)
        expect(loaded.record.startedAt).toBeInstanceOf(Date)
        yield* store.save(storedDeployment("succeeded"))
        const reread = yield* reopen
        expect(Option.map(yield* reread.load(d("d-1")), (x) => x.record.status)).toEqual(Option.some("succeeded"))
        expect(yield* reread.list).toEqual(["d-1", "d-2"])
        expect(yield* reread.load(d("d-3"))).toEqual(Option.none())
      }))

    it.scoped("a change skipped without reading its resource comes back without a before-state, in another instance", () =>
      Effect.gen(function* () {
        const { store, reopen } = yield* backend.open
        yield* store.save(deploymentWithUnread())
        const loaded = Option.getOrThrow(yield* (yield* reopen).load(d("d-u")))
        expect(loaded).toEqual(deploymentWithUnread())
        expect(loaded.record.executions.map((e) => [e.status, wasRead(e)])).toEqual([["applied", true], ["skipped", false]])
        expect(loaded.record.executions[1]?.before).toBeUndefined()
      }))

    it.scoped("lists many deployments (more than one page of a paged store), each once, sorted by id", () =>
      Effect.gen(function* () {
        const { store, reopen } = yield* backend.open
        const ids = Array.from({ length: 23 }, (_, n) => `d-${String(n).padStart(2, "0")}`)
        // Saved in a shuffled order, each started a minute after the previous id, one saved twice.
        const order = ids.map((_, n) => ids[(n * 7) % ids.length]!)
        yield* Effect.forEach(order, (id) => store.save(startedAt(storedDeployment("running", id), ids.indexOf(id))), { discard: true })
        yield* store.save(startedAt(storedDeployment("succeeded", "d-05"), 5))
        expect(yield* (yield* reopen).list).toEqual(ids)
      }))

    it.scoped("a deployment saved running by one instance is resumed to completion through another instance over the same data", () =>
      Effect.gen(function* () {
        const { store, reopen } = yield* backend.open
        yield* store.save(storedDeployment("running"))
        const live = yield* Ref.make<EbsVolumeDetails["volumeType"]>("gp2")
        const second = yield* reopen
        const resumed = yield* resume(d("d-1"), { mode: "complete", validation: { spacing: Duration.millis(1), timeout: Duration.seconds(5) } }).pipe(
          Effect.provide(liveVolume(live)),
          Effect.provideService(DeploymentStore, second)
        )
        expect(resumed.status).toBe("succeeded")
        expect(resumed.executions.map((e) => [e.changeId, e.status])).toEqual([[gp3.id, "applied"]])
        expect(yield* Ref.get(live)).toBe("gp3")
        const seen = Option.getOrThrow(yield* (yield* reopen).load(d("d-1")))
        expect(seen.record.status).toBe("succeeded")
        expect(seen.record.executions[0]?.after?.details).toMatchObject({ volumeType: "gp3" })
      }))

    if (backend.versioned) {
      it.scoped("two writers do not silently overwrite each other: a save over a record changed since this instance read it is refused", () =>
        Effect.gen(function* () {
          const { store, reopen } = yield* backend.open
          yield* store.save(storedDeployment("running"))
          const other = yield* reopen
          yield* Effect.flatMap(other.load(d("d-1")), () => other.save(storedDeployment("succeeded")))
          const refused = yield* Effect.flip(store.save(storedDeployment("running")))
          expect(refused.reason).toBe("StoreFailed")
          expect(refused.message).toContain("another writer")
          expect(Option.map(yield* (yield* reopen).load(d("d-1")), (x) => x.record.status)).toEqual(Option.some("succeeded"))
          // Having read the new version, the first writer may save again.
          yield* store.load(d("d-1"))
          yield* store.save(storedDeployment("running"))
          // Two instances that both start the same id: the second to save is refused.
          const third = yield* reopen
          yield* store.save(storedDeployment("running", "d-9"))
          expect((yield* Effect.flip(third.save(storedDeployment("running", "d-9")))).message).toContain("another writer")
        }))
    }

    if (backend.versioned) {
      it.scoped("a record that does not decode is StoreFailed, naming the deployment", () =>
        Effect.gen(function* () {
          const opened = yield* backend.open
          yield* opened.store.save(storedDeployment("running"))
          if (opened.corrupt !== undefined) yield* opened.corrupt("d-1")
          const error = yield* Effect.flip((yield* opened.reopen).load(d("d-1")))
          expect(error.reason).toBe("StoreFailed")
          expect(error.message).toContain("d-1")
        }))
    }
  })
}
