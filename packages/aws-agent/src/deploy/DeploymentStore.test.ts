import { describe, expect, it } from "@effect/vitest"
import { AccountId, ChangeExecution, DeploymentId, DeploymentRecord, EbsVolumeDetails, Region } from "@miyabi/types"
import { Effect, Option } from "effect"
import * as fs from "node:fs/promises"
import * as os from "node:os"
import * as path from "node:path"
import { makeResource } from "../adapters/Inventory.js"
import { CYCLE, change, plan, ref } from "./Deployer.testkit.js"
import * as DeploymentStore from "./DeploymentStore.js"

const vol = ref("ebs-volume", "123456789012", "us-east-1", "vol-0123456789abcdef0")
const gp3 = change(1, vol, { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3" })
const before = makeResource({
  id: vol.id,
  arn: vol.arn,
  kind: "ebs-volume",
  account: AccountId.make("123456789012"),
  region: Region.make("us-east-1"),
  state: "detached",
  tags: { "miyabi:protected": "false" },
  details: EbsVolumeDetails.make({ volumeType: "gp2", sizeGiB: 10, iops: 100, encrypted: false, awsState: "available" })
})
const stored = (status: "running" | "succeeded") =>
  DeploymentStore.StoredDeployment.make({
    plan: plan([gp3]),
    record: DeploymentRecord.make({
      id: DeploymentId.make("d-1"),
      cycleId: CYCLE,
      mode: "apply",
      status,
      approvedBy: "alice",
      startedAt: new Date("2026-11-27T10:00:00Z"),
      executions: [
        ChangeExecution.make({ changeId: gp3.id, resource: vol, action: gp3.action, status: "running", before, inverse: { _tag: "ModifyVolume", fromType: "gp3", toType: "gp2" }, startedAt: new Date("2026-11-27T10:00:01Z") })
      ]
    })
  })

describe("DeploymentStore", () => {
  it.effect("the JSON-file store gives back what it saved (dates, resources, actions), replaces on save, lists, and answers none for an unknown id", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "miyabi-deploy-")))
      const store = DeploymentStore.makeFile(dir)
      yield* store.save(stored("running"))
      // Another process (a new store over the same directory) reads it back.
      const again = DeploymentStore.makeFile(dir)
      const loaded = Option.getOrThrow(yield* again.load(DeploymentId.make("d-1")))
      expect(loaded).toEqual(stored("running"))
      expect(loaded.record.executions[0]?.before.details).toBeInstanceOf(EbsVolumeDetails)
      yield* store.save(stored("succeeded"))
      expect(Option.map(yield* again.load(DeploymentId.make("d-1")), (d) => d.record.status)).toEqual(Option.some("succeeded"))
      expect(yield* again.list).toEqual(["d-1"])
      expect(yield* again.load(DeploymentId.make("d-2"))).toEqual(Option.none())
      expect((yield* Effect.promise(() => fs.readdir(dir))).sort()).toEqual(["d-1.json"])
      yield* Effect.promise(() => fs.rm(dir, { recursive: true }))
    }))

  it.effect("a corrupt file is a StoreFailed error naming the file", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.promise(() => fs.mkdtemp(path.join(os.tmpdir(), "miyabi-deploy-")))
      yield* Effect.promise(() => fs.writeFile(path.join(dir, "d-1.json"), "{ not json"))
      const error = yield* Effect.flip(DeploymentStore.makeFile(dir).load(DeploymentId.make("d-1")))
      expect(error.reason).toBe("StoreFailed")
      expect(error.message).toContain("d-1.json")
      yield* Effect.promise(() => fs.rm(dir, { recursive: true }))
    }))

  it.effect("the memory store keeps the latest save per id", () =>
    Effect.gen(function* () {
      const store = yield* DeploymentStore.makeMemory
      yield* store.save(stored("running"))
      yield* store.save(stored("succeeded"))
      expect(Option.map(yield* store.load(DeploymentId.make("d-1")), (d) => d.record.status)).toEqual(Option.some("succeeded"))
      expect(yield* store.list).toEqual(["d-1"])
    }))
})
