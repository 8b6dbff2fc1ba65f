/**
 * The startup snapshot of the built CLI (dist/, built before the tests) is
 * the live rendering of the command tree: the same text as the tree renders
 * in-process from the sources, under another environment, and the same bytes
 * and exit code as the built CLI with the snapshot switched off.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import { runCli } from "../Cli.js"
import { assertBuilt, miyabiAsync, type Ran } from "../commands/sandbox/testing/BuiltCli.js"
import { readSnapshot, snapshotAnswer, snapshotInvocations, type StartupSnapshot } from "./StartupSnapshot.js"

const dist = fileURLToPath(new URL("../../dist", import.meta.url))
let snapshot: StartupSnapshot
beforeAll(() => {
  assertBuilt()
  const read = readSnapshot(dist)
  if (read === undefined) throw new Error(`${dist} has no startup snapshot: build the CLI (npx nx run @miyabi/cli:build)`)
  snapshot = read
})
afterEach(() => vi.restoreAllMocks())

/** A run with the process id taken out of Node's warnings. */
const samePid = (ran: Ran): Ran => ({ ...ran, stderr: ran.stderr.replace(/\(node:\d+\)/g, "(node)") })

/** What the command tree prints for `args`, run in-process from the sources with a different environment. */
const liveRendering = async (args: ReadonlyArray<string>): Promise<{ code: number; stdout: string }> => {
  const lines: Array<string> = []
  vi.spyOn(console, "log").mockImplementation((...parts: Array<unknown>) => void lines.push(`${parts.join(" ")}\n`))
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true))
  const saved = { ...process.env }
  Object.assign(process.env, { HOME: "/nonexistent", XDG_DATA_HOME: "/elsewhere", COLUMNS: "40", TERM: "dumb", FORCE_COLOR: "1", LANG: "C" })
  try {
    const code = await Effect.runPromise(runCli(["node", "miyabi", ...args]).pipe(Effect.provide(NodeContext.layer)))
    return { code, stdout: lines.join("") }
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}

describe("startup snapshot of the built CLI", () => {
  it("is active: it matches the built files and answers each recorded invocation", () => {
    expect(Object.keys(snapshot.outputs).sort()).toEqual([...snapshotInvocations].sort())
    expect(snapshot.files[0]).toBe("main.js")
    for (const invocation of snapshotInvocations) expect(snapshotAnswer(dist, [invocation], {})).toBe(snapshot.outputs[invocation])
  })

  it.each(snapshotInvocations)("records what the command tree renders for %s", async (invocation) => {
    const live = await liveRendering([invocation])
    expect(live.code).toBe(0)
    expect(snapshot.outputs[invocation]).toBe(live.stdout)
  })

  it("prints from the snapshot exactly what the built CLI prints without it", async () => {
    for (const invocation of snapshotInvocations) {
      const [fast, real] = await Promise.all([miyabiAsync([invocation]), miyabiAsync([invocation], { MIYABI_STARTUP_SNAPSHOT: "off" })])
      expect(samePid(fast)).toEqual(samePid(real))
      expect(fast).toMatchObject({ code: 0, stdout: snapshot.outputs[invocation] })
    }
  })

  it("keeps Node's own stderr behaviour: NO_COLOR beside FORCE_COLOR warns either way", async () => {
    const colours = { NO_COLOR: "1", FORCE_COLOR: "1" }
    const [fast, real] = await Promise.all([miyabiAsync(["--help"], colours), miyabiAsync(["--help"], { ...colours, MIYABI_STARTUP_SNAPSHOT: "off" })])
    expect(samePid(fast)).toEqual(samePid(real))
    expect(fast.stderr).toContain("'NO_COLOR' env is ignored")
  })

  it("leaves subcommand help, other flags and usage errors to the real CLI", async () => {
    for (const args of [["tasks", "--help"], ["--help", "--json"], ["--bogus"]]) expect(snapshotAnswer(dist, args, {})).toBeUndefined()
    const tasksHelp = await miyabiAsync(["tasks", "--help"])
    expect(tasksHelp.code).toBe(0)
    expect(tasksHelp.stdout).toContain("- enqueue [--json]")
    expect(tasksHelp.stdout).not.toBe(snapshot.outputs["--help"])
    const bogus = await miyabiAsync(["--bogus"])
    expect(bogus.code).toBe(2)
    expect(bogus.stdout).toBe("")
    expect(bogus.stderr).not.toBe("")
  })

  it("keys the entry and the chunks the command tree loads, not the handlers", () => {
    expect(snapshot.files.some((file) => path.basename(file).startsWith("LiveCli-"))).toBe(true)
    expect(snapshot.files.some((file) => /Handlers?-/.test(path.basename(file)))).toBe(false)
  })
})
