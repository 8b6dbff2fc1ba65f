/**
 * Structural checks of apps/worker/Dockerfile (no Docker engine here: the
 * image is not built in tests), and that the CDK asset excludes what the
 * Dockerfile's ignore file excludes.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot } from "../testing/Paths.js"
import { workerImageExcludes } from "./WorkerImage.js"

interface Instruction {
  readonly keyword: string
  readonly args: string
}

/** Dockerfile instructions with continuation lines joined and comments dropped. */
const parse = (text: string): ReadonlyArray<Instruction> =>
  text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const space = line.indexOf(" ")
      return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() }
    })

/** Instructions grouped by stage, keyed by the stage name. */
const stages = (instructions: ReadonlyArray<Instruction>): ReadonlyArray<{ readonly from: string; readonly name: string; readonly body: ReadonlyArray<Instruction> }> => {
  const out: Array<{ from: string; name: string; body: Array<Instruction> }> = []
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [image = "", , name = ""] = instruction.args.split(/\s+/)
      out.push({ from: image, name, body: [] })
    } else out[out.length - 1]?.body.push(instruction)
  }
  return out
}

const dockerfile = fs.readFileSync(path.join(repoRoot, "apps/worker/Dockerfile"), "utf8")
const [build, runtime] = stages(parse(dockerfile))

describe("apps/worker/Dockerfile", () => {
  it("has two stages on node:20-bookworm-slim: build and runtime", () => {
    expect(stages(parse(dockerfile))).toHaveLength(2)
    expect(build).toMatchObject({ from: "node:20-bookworm-slim", name: "build" })
    expect(runtime).toMatchObject({ from: "node:20-bookworm-slim", name: "runtime" })
  })

  it("builds with npm ci and the worker's nx build target", () => {
    const runs = build!.body.filter((i) => i.keyword === "RUN").map((i) => i.args)
    expect(runs.some((r) => /^npm ci\b/.test(r))).toBe(true)
    expect(runs.some((r) => r.includes("npx nx run @miyabi/worker:build"))).toBe(true)
    // The native addon is loaded once in the build stage, on the runtime's Node ABI.
    expect(runs.some((r) => r.includes("require('/out/node_modules/better-sqlite3')"))).toBe(true)
  })

  it("copies into the runtime only the built worker and better-sqlite3 with its runtime dependencies", () => {
    const copies = runtime!.body.filter((i) => i.keyword === "COPY").map((i) => i.args)
    expect(copies).toEqual(["--from=build /out/node_modules ./node_modules", "--from=build /app/apps/worker/dist ./apps/worker/dist"])
    const gathered = build!.body.map((i) => i.args).join("\n")
    // better-sqlite3's run-time chain (prebuild-install is for installing only).
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dependencies?: Record<string, string> }>
    }
    const chain = ["better-sqlite3"]
    for (let i = 0; i < chain.length && i < 20; i++) {
      for (const dep of Object.keys(lock.packages[`node_modules/${chain[i]}`]?.dependencies ?? {})) if (dep !== "prebuild-install" && !chain.includes(dep)) chain.push(dep)
    }
    expect(chain).toEqual(["better-sqlite3", "bindings", "file-uri-to-path"])
    for (const name of chain) expect(gathered).toContain(`node_modules/${name}`)
    expect(gathered).toContain("build/Release/better_sqlite3.node")
  })

  it("runs as a non-root user with a /healthz check, SIGTERM and the bundled main", () => {
    const last = (keyword: string) => runtime!.body.filter((i) => i.keyword === keyword).at(-1)?.args
    expect(last("USER")).toBe("node")
    expect(last("HEALTHCHECK")).toMatch(/^--interval=\S+ --timeout=\S+ .*CMD \[.*\/healthz/)
    expect(last("STOPSIGNAL")).toBe("SIGTERM")
    expect(JSON.parse(last("CMD") ?? "null")).toEqual(["node", "apps/worker/dist/main.js"])
    expect(runtime!.body.some((i) => i.keyword === "RUN" && /npm (ci|install)/.test(i.args))).toBe(false)
  })
})

describe("the worker image's build context", () => {
  it("excludes in CDK exactly what apps/worker/Dockerfile.dockerignore excludes", () => {
    const ignore = fs
      .readFileSync(path.join(repoRoot, "apps/worker/Dockerfile.dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"))
    expect(ignore).toEqual([...workerImageExcludes])
    for (const needed of ["**/node_modules", ".git", "**/dist", "**/cdk.out"]) expect(workerImageExcludes).toContain(needed)
  })
})
