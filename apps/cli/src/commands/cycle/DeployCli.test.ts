/**
 * `miyabi deploy` as users run it (the built CLI against a tiny seeded
 * sandbox estate): a change the deployer has no reader for is recorded
 * skipped without a before-state, and the output says "not read" instead of
 * showing a made-up one.
 */
import * as fs from "node:fs"
import { BlastRadius, Change, ChangeId, CycleId, ExecutionPlan, MicroUsd, ResourceRef, RuleId, type ChangeAction } from "@miyabi/types"
import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { estateSandboxForCli, miyabiAsync } from "../sandbox/testing/BuiltCli.js"

const { file, sandbox: running, env } = estateSandboxForCli("miyabi-deploy-cli-test-")

const refOf = Schema.decodeUnknownSync(ResourceRef)

const changeOf = (n: number, resource: ResourceRef, action: ChangeAction) =>
  Change.make({ id: ChangeId.make(`change-${n}`), rule: RuleId.make("cost.test-rule"), resource, findings: [], summary: `${action._tag} ${resource.id}`, priority: "P1", action, preconditions: [], expectedMonthlySavings: MicroUsd.make(1_000_000), risk: "low", confidence: 0.9 })

/** A plan of two changes: a Lambda memory change (read, would apply) and a stop aimed at a load balancer (no reader for the kind: not read). */
const writePlan = (): string => {
  const fn = running().estate.data.functions[0]
  if (fn === undefined) throw new Error("the tiny estate has a function")
  const lambda = refOf({ id: fn.name, arn: `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${fn.name}`, kind: "lambda-function", account: fn.accountId, region: fn.region })
  const lbArn = `arn:aws:elasticloadbalancing:${fn.region}:${fn.accountId}:loadbalancer/app/web/1`
  const balancer = refOf({ id: lbArn, arn: lbArn, kind: "load-balancer", account: fn.accountId, region: fn.region })
  const changes = [changeOf(1, lambda, { _tag: "SetLambdaMemory", fromMiB: fn.memorySize, toMiB: fn.memorySize === 512 ? 256 : 512 }), changeOf(2, balancer, { _tag: "StopInstance" })]
  const plan = ExecutionPlan.make({
    cycleId: CycleId.make("cycle-unread"),
    createdAt: new Date(),
    changes,
    expectedMonthlySavings: MicroUsd.make(2_000_000),
    blastRadius: BlastRadius.make({ maxChanges: 10, maxChangesPerAccount: 10, maxRisk: "medium" }),
    protectedTagKeys: []
  })
  fs.writeFileSync(file("plan.json"), JSON.stringify(Schema.encodeSync(ExecutionPlan)(plan)))
  return file("plan.json")
}

describe("miyabi deploy (built)", () => {
  it("shows a change skipped without reading its resource as not read; its JSON record has no before-state", async () => {
    const plan = writePlan()
    const text = await miyabiAsync(["deploy", "--plan", plan, "--records", file("deployments")], env(), 60_000)
    expect(text.stderr).toBe("")
    expect(text.code).toBe(0)
    const lines = text.stdout.split("\n")
    const head = lines.find((l) => l.startsWith("status") && l.includes("reason"))
    expect(head?.split(/\s{2,}/)).toEqual(["status", "rule", "resource", "before", "savings/month", "change", "reason"])
    const lbRow = lines.find((l) => l.includes("loadbalancer/app/web/1"))
    expect(lbRow).toMatch(/^skipped\s+cost\.test-rule\s+\S+loadbalancer\/app\/web\/1\s+not read\s+/)
    const fnRow = lines.find((l) => l.startsWith("would-apply"))
    expect(fnRow).toBeDefined()
    expect(fnRow).not.toContain("not read")

    const json = await miyabiAsync(["deploy", "--plan", plan, "--records", file("deployments"), "--json"], env(), 60_000)
    expect(json.code).toBe(0)
    const record = JSON.parse(json.stdout) as { executions: ReadonlyArray<{ changeId: string; status: string; before?: { state: string } }> }
    expect(record.executions.map((e) => [e.changeId, e.status, e.before !== undefined])).toEqual([["change-1", "would-apply", true], ["change-2", "skipped", false]])
    expect(running().log.changes()).toEqual([])
  }, 120_000)
})
