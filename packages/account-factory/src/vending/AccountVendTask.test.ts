import { describe, expect, it } from "@effect/vitest"
import { InvalidInput, Organization } from "@miyabi/types"
import { Effect, Schedule, Schema } from "effect"
import { Organizations } from "../org/Organizations.js"
import * as OrganizationsMemory from "../org/OrganizationsMemory.js"
import { accountVendTask, AccountVendTaskOptions, runAccountVendTask } from "./AccountVendTask.js"
import { VendError, VendFailureReason } from "./AccountVending.js"

const org = () => Schema.decodeUnknownSync(Organization)({
  id: "o-abcd123456", managementAccountId: "111111111111", rootId: "r-ab12",
  organizationalUnits: [{ id: "ou-ab12-workload", name: "Workloads", parentId: "r-ab12" }, { id: "ou-ab12-pools001", name: "Pools", parentId: "ou-ab12-workload" }],
  accounts: [], policies: []
})
const fast = { pollSchedule: Schedule.forever, roleSchedule: Schedule.forever }

describe("runAccountVendTask", () => {
  it.live("vends into the OU named by path, and a retried task finds the same account", () =>
    Effect.gen(function* () {
      const memory = yield* OrganizationsMemory.make(org(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 0 })
      const payload = { name: "pool-9", email: "aws+pool-9@example.com", ouPath: "Workloads/Pools", tags: { Tenancy: "Pool" } }
      const first = yield* runAccountVendTask(payload, fast).pipe(Effect.provideService(Organizations, memory))
      const second = yield* runAccountVendTask(payload, fast).pipe(Effect.provideService(Organizations, memory))
      expect(first.parentId).toBe("ou-ab12-pools001")
      expect(second).toEqual({ ...first, resumed: true })
    }))

  it.live("names the bad field of a payload and an OU that does not exist", () =>
    Effect.gen(function* () {
      const memory = yield* OrganizationsMemory.make(org())
      const bad = yield* Effect.flip(runAccountVendTask({ name: "x", email: "not-an-email", ouPath: "Root" }, fast).pipe(Effect.provideService(Organizations, memory)))
      expect(bad._tag === "InvalidInput" && bad.path).toBe("email")
      const missing = yield* Effect.flip(runAccountVendTask({ name: "x", email: "x@example.com", ouPath: "Nowhere" }, fast).pipe(Effect.provideService(Organizations, memory)))
      expect(missing.message).toMatch(/OU Nowhere does not exist/)
    }))
})

describe("accountVendTask", () => {
  it.live("vends a decoded payload with the options the app provides", () =>
    Effect.gen(function* () {
      const memory = yield* OrganizationsMemory.make(org(), { pollsUntilCreated: 2, probesUntilRoleAnswers: 1 })
      const payload = Schema.decodeUnknownSync(accountVendTask.payload)({ name: "pool-7", email: "aws+pool-7@example.com", ouPath: "Workloads" })
      const vended = yield* accountVendTask.run(payload).pipe(Effect.provideService(Organizations, memory), Effect.provideService(AccountVendTaskOptions, fast))
      expect(vended).toMatchObject({ name: "pool-7", parentId: "ou-ab12-workload", resumed: false })
      expect(accountVendTask.kind).toBe("account-vend")
      expect(accountVendTask.timeout).toBe("30 minutes")
    }))

  it("retries what may pass on its own (AWS busy, a timeout, a role not ready yet), not what the user must fix", () => {
    const vendError = (reason: VendFailureReason) => new VendError({ reason, accountName: "a", email: "a@example.com", detail: "d", action: "x" })
    const transient = VendFailureReason.literals.filter((reason) => accountVendTask.isTransient(vendError(reason)))
    expect(transient).toEqual(["ConcurrentAccountModification", "InternalFailure", "Timeout", "RoleNotReady", "Organizations"])
    expect(accountVendTask.isTransient(new InvalidInput({ source: "account-vend payload", path: "email", reason: "not an e-mail" }))).toBe(false)
  })
})
