/**
 * `--store aws:...` end to end: the built CLI enqueues, a worker drains and
 * the task is shown, all on SQS + DynamoDB (dynalite) of a sandbox started by
 * the test; the child processes get the sandbox's AWS_* variables.
 */
import { type RunningSandbox, startSandbox } from "@miyabi/sandbox"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, miyabiAsync } from "./commands/sandbox/testing/BuiltCli.js"

let sandbox: RunningSandbox
beforeAll(async () => {
  assertBuilt()
  sandbox = await startSandbox()
})
afterAll(() => sandbox?.stop())

const json = <A>(text: string): A => JSON.parse(text) as A

describe("miyabi --store aws: (built)", () => {
  it("enqueues, runs a worker until empty and shows the completed task on SQS + DynamoDB", async () => {
    const store = "aws:prefix=cli-test,provision"
    const env = { ...sandbox.env }
    const run = (...args: Array<string>) => miyabiAsync([...args, "--store", store, "--json"], env)

    const first = await run("tasks", "enqueue", "echo", "--payload", '{"message":"over sqs"}', "--priority", "high")
    expect(first.stderr).toBe("")
    expect(first.code).toBe(0)
    const id = json<{ task: { id: string; status: string } }>(first.stdout).task.id
    const second = await run("tasks", "enqueue", "echo", "--payload", '{"message":"two"}', "--idempotency-key", "k-1")
    const again = await run("tasks", "enqueue", "echo", "--payload", '{"message":"two"}', "--idempotency-key", "k-1")
    expect(json<{ created: boolean; task: { id: string } }>(again.stdout)).toMatchObject({ created: false, task: { id: json<{ task: { id: string } }>(second.stdout).task.id } })

    const worked = await run("worker", "run", "--until-empty", "--concurrency", "2")
    expect(worked.code).toBe(0)
    expect(json<{ completed: number; reason: string }>(worked.stdout)).toMatchObject({ completed: 2, reason: "Idle" })

    const shown = await run("tasks", "show", id)
    expect(shown.code).toBe(0)
    expect(json<{ task: { status: string; attempts: number; result: unknown } }>(shown.stdout).task).toMatchObject({
      status: "Completed",
      attempts: 1,
      result: { echo: "over sqs" }
    })
  })

  it("rejects a bad aws: setting and missing resources with one line", async () => {
    const bad = await miyabiAsync(["tasks", "list", "--store", "aws:region=eu-west-1"], { ...sandbox.env })
    expect(bad).toMatchObject({ code: 1, stdout: "" })
    expect(bad.stderr).toBe('miyabi: --store: unknown aws: setting "region"; use prefix, table, high, standard, dlq, provision\n')
    // Without provision the queues must exist already.
    const missing = await miyabiAsync(["tasks", "list", "--store", "aws:prefix=nothing-here"], { ...sandbox.env })
    expect(missing.code).toBe(1)
    expect(missing.stderr.split("\n").filter((line) => line !== "")).toHaveLength(1)
    expect(missing.stderr).toMatch(/^miyabi: /)
  })
})
