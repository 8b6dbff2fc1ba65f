import { describe, expect, it } from "@effect/vitest"
import { Organization, OrgNodeId } from "@miyabi/types"
import { Effect, Either, Exit, Schedule, Schema } from "effect"
import { Organizations } from "../org/Organizations.js"
import * as OrganizationsMemory from "../org/OrganizationsMemory.js"
import { vendAccount, vendAccounts, type VendOptions, type VendRequest, type VendStage } from "./AccountVending.js"

const POOLS = OrgNodeId.make("ou-ab12-pools001")
const org = () => Schema.decodeUnknownSync(Organization)({
  id: "o-abcd123456",
  managementAccountId: "111111111111",
  rootId: "r-ab12",
  organizationalUnits: [{ id: POOLS, name: "Pools", parentId: "r-ab12" }],
  accounts: [{ id: "111111111111", name: "management", email: "management@example.com", status: "ACTIVE", parentId: "r-ab12" }],
  policies: []
})

const fast: VendOptions = { pollSchedule: Schedule.spaced("1 millis"), roleSchedule: Schedule.spaced("1 millis"), retrySchedule: Schedule.recurs(3) }
const request = (n: number): VendRequest => ({ name: `pool-${n}`, email: `aws+pool-${n}@example.com`, parentId: POOLS, tags: { CostCenter: "platform", Environment: "prod" } })

const withMemory = <A, E>(options: OrganizationsMemory.MemoryOptions, body: (memory: Effect.Effect.Success<ReturnType<typeof OrganizationsMemory.make>>) => Effect.Effect<A, E, Organizations>) =>
  Effect.gen(function* () {
    const memory = yield* OrganizationsMemory.make(org(), options)
    return yield* body(memory).pipe(Effect.provideService(Organizations, memory))
  })

describe("AccountVending", () => {
  it.live("creates, moves, tags and waits for the role, reporting each stage", () =>
    withMemory({ pollsUntilCreated: 3, probesUntilRoleAnswers: 2 }, (memory) =>
      Effect.gen(function* () {
        const stages: Array<VendStage> = []
        const vended = yield* vendAccount(request(1), { ...fast, onProgress: (_, stage) => Effect.sync(() => void stages.push(stage)) })
        expect(vended.resumed).toBe(false)
        expect(stages).toEqual(["Creating", "InProgress", "Created", "Moving", "Tagging", "WaitingForRole", "Done"])
        const account = (yield* memory.state).accounts.find((a) => a.id === vended.accountId)
        expect(account?.parentId).toBe(POOLS)
        expect(account?.tags).toEqual({ CostCenter: "platform", Environment: "prod" })
      })))

  it.live("maps a FAILED creation to a typed error that tells the user what to do", () =>
    withMemory({ failures: { "aws+pool-1@example.com": "ACCOUNT_LIMIT_EXCEEDED" } }, () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(vendAccount(request(1), fast))
        expect(error.reason).toBe("AccountLimitExceeded")
        expect(error.message).toMatch(/pool-1 <aws\+pool-1@example\.com> failed: AccountLimitExceeded: .*What to do: raise the organization's account quota/)
      })))

  it.live("gives up waiting for a role after the role timeout", () =>
    withMemory({ probesUntilRoleAnswers: 1_000_000 }, () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(vendAccount(request(1), { ...fast, roleTimeout: "50 millis" }))
        expect(error.reason).toBe("RoleNotReady")
      })))

  it.live("times out a creation that never settles, and a rerun resumes the same request", () =>
    withMemory({ pollsUntilCreated: 1_000_000 }, (memory) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(vendAccount(request(1), { ...fast, creationTimeout: "50 millis" }))
        expect(error.reason).toBe("Timeout")
        const stages: Array<string> = []
        const again = yield* Effect.flip(vendAccount(request(1), { ...fast, creationTimeout: "20 millis", onProgress: (_, stage, detail) => Effect.sync(() => void stages.push(`${stage} ${detail}`)) }))
        expect(again.reason).toBe("Timeout")
        expect(stages[0]).toMatch(/^InProgress resuming request car-/)
        expect((yield* memory.state).accounts).toHaveLength(1)
      })))

  it.live("vends 12 accounts with at most 5 creations in flight", () =>
    withMemory({ pollsUntilCreated: 3 }, (memory) =>
      Effect.gen(function* () {
        // A creation is in flight from "Creating" until "Created" (SUCCEEDED) or "Failed".
        const creating = new Set<string>()
        let peak = 0
        const results = yield* vendAccounts(Array.from({ length: 12 }, (_, i) => request(i + 1)), {
          ...fast,
          onProgress: (name, stage) => Effect.sync(() => {
            if (stage === "Creating") creating.add(name)
            if (stage === "Created" || stage === "Failed") creating.delete(name)
            peak = Math.max(peak, creating.size)
          })
        })
        expect(peak).toBe(5)
        expect(results.every(Either.isRight)).toBe(true)
        expect(peak).toBeLessThanOrEqual(5)
        const accounts = (yield* memory.state).accounts.filter((a) => a.parentId === POOLS)
        expect(accounts.map((a) => a.name).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `pool-${i + 1}`).sort())
      })))

  it.live("waits out AWS's ConcurrentModification when more than 5 are started at once", () =>
    withMemory({ pollsUntilCreated: 3 }, (memory) =>
      Effect.gen(function* () {
        const results = yield* vendAccounts(Array.from({ length: 8 }, (_, i) => request(i + 1)), { ...fast, maxInFlight: 8 })
        expect(results.filter(Either.isRight)).toHaveLength(8)
        expect((yield* memory.state).accounts).toHaveLength(9)
      })))

  it.live("ends with exactly one account, in the right OU with its tags, when killed at any call and run again", () =>
    Effect.gen(function* () {
      // A clean run's call count bounds the crash points.
      const clean = yield* withMemory({ pollsUntilCreated: 2, probesUntilRoleAnswers: 1 }, (memory) =>
        vendAccount(request(1), fast).pipe(Effect.zipRight(memory.state)))
      expect(clean.accounts).toHaveLength(2)
      for (const mode of ["before", "after"] as const) {
        let crashes = 0
        for (let crashAt = 0; crashAt < 14; crashAt++) {
          let armed = true
          const when = (_: string, call: number) => armed && call === crashAt
          yield* withMemory({ pollsUntilCreated: 2, probesUntilRoleAnswers: 1, ...(mode === "before" ? { failOn: when } : { crashAfter: when }) }, (memory) =>
            Effect.gen(function* () {
              const first = yield* Effect.exit(vendAccount(request(1), fast))
              armed = false
              if (Exit.isSuccess(first)) return
              crashes++
              const second = yield* vendAccount(request(1), fast)
              const accounts = (yield* memory.state).accounts.filter((a) => a.email === "aws+pool-1@example.com")
              expect(accounts, `${mode} call ${crashAt}`).toHaveLength(1)
              expect(accounts[0]?.id).toBe(second.accountId)
              expect(accounts[0]?.parentId).toBe(POOLS)
              expect(accounts[0]?.tags).toEqual({ CostCenter: "platform", Environment: "prod" })
            }))
        }
        // Every call of a vend (find, create, each poll, move, tag, each probe) was a crash point once.
        expect(crashes).toBeGreaterThanOrEqual(10)
      }
    }))
})
