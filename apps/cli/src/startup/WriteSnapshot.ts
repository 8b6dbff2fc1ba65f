/**
 * Build step (tsup.config.ts, after the bundle is written): runs the built CLI
 * with the startup snapshot disabled for each snapshot invocation and records
 * its exact stdout, keyed by the content of every output file that rendering
 * loads. See StartupSnapshot.ts for how the snapshot is used.
 *
 * Plain Node code: it runs inside tsup's process, outside any Effect runtime.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { contentKey, snapshotFileName, snapshotInvocations, snapshotSwitch, type StartupSnapshot } from "./StartupSnapshot.js"

/** The part of esbuild's metafile read here: each output's imports, paths relative to the build's working directory. */
export interface OutputGraph {
  readonly outputs: Readonly<Record<string, { readonly imports: ReadonlyArray<{ readonly path: string; readonly kind: string; readonly external?: boolean }> }>>
}

/**
 * The output files the entry loads before it can render help: the entry, what
 * it imports statically or dynamically (the real CLI chunk), and from there
 * every static import. Dynamic imports below the entry are command handlers,
 * loaded only when a command runs. Paths are relative to `outDir`.
 */
export const startupClosure = (graph: OutputGraph, cwd: string, outDir: string, entry: string): ReadonlyArray<string> => {
  const relative = (key: string) => path.relative(outDir, path.resolve(cwd, key)).split(path.sep).join("/")
  const byFile = new Map(Object.entries(graph.outputs).map(([key, output]) => [relative(key), { key, output }]))
  if (!byFile.has(entry)) throw new Error(`startup snapshot: ${entry} is not an output of the build`)
  const files: Array<string> = []
  const queue: Array<string> = [entry]
  while (queue.length > 0) {
    const file = queue.shift()!
    if (files.includes(file)) continue
    files.push(file)
    for (const imported of byFile.get(file)?.output.imports ?? []) {
      const target = relative(imported.path)
      const follow = imported.kind === "import-statement" || (file === entry && imported.kind === "dynamic-import")
      if (follow && imported.external !== true && byFile.has(target)) queue.push(target)
    }
  }
  return files
}

interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const run = (script: string, args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, timeout: 60_000, killSignal: "SIGKILL" })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })

export interface WriteSnapshotOptions {
  /** The build's output directory (absolute). */
  readonly outDir: string
  /** The directory the metafile's paths are relative to (tsup's working directory). */
  readonly cwd: string
  readonly graph: OutputGraph
  /** The entry file in `outDir`, e.g. "main.js". */
  readonly entry: string
}

/** Writes `outDir/startup-snapshot.json` and returns it; fails the build when a run does not exit 0 cleanly. */
export const writeStartupSnapshot = async (options: WriteSnapshotOptions): Promise<StartupSnapshot> => {
  const files = startupClosure(options.graph, options.cwd, options.outDir, options.entry)
  const key = contentKey(options.outDir, files)
  if (key === undefined) throw new Error(`startup snapshot: cannot read the build output in ${options.outDir}`)
  const target = path.join(options.outDir, snapshotFileName)
  fs.rmSync(target, { force: true })
  // The help text does not depend on colour settings (@effect/cli always
  // renders ANSI); they are dropped so that Node's warning about NO_COLOR
  // beside FORCE_COLOR (which Nx sets) cannot reach stderr and fail the build.
  const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, NODE_DISABLE_COLORS: _disableColors, ...inherited } = process.env
  const env = { ...inherited, [snapshotSwitch]: "off" }
  const outputs: Record<string, string> = {}
  for (const invocation of snapshotInvocations) {
    const ran = await run(path.join(options.outDir, options.entry), [invocation], env)
    if (ran.code !== 0 || ran.stderr !== "" || ran.stdout === "") {
      throw new Error(`startup snapshot: \`${options.entry} ${invocation}\` exited ${ran.code} with stderr ${JSON.stringify(ran.stderr)}`)
    }
    outputs[invocation] = ran.stdout
  }
  if (contentKey(options.outDir, files) !== key) throw new Error("startup snapshot: the build output changed while it was being recorded")
  const snapshot: StartupSnapshot = { format: 1, files, key, outputs }
  fs.writeFileSync(`${target}.tmp`, `${JSON.stringify(snapshot, null, 2)}\n`)
  fs.renameSync(`${target}.tmp`, target)
  return snapshot
}
