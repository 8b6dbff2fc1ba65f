/**
 * The startup snapshot: what the real command tree printed for the root
 * `--help`, `-h` and `--version` when the CLI was built, so that those runs
 * answer without loading Effect, @effect/cli and the command tree: compiling
 * and running those 800 KB of modules and laying out the help with
 * @effect/printer is most of what the real `--help` costs (tools/bench
 * startup times both).
 *
 * It cannot go stale: the build writes it by running the freshly built CLI
 * with the snapshot disabled (WriteSnapshot.ts), and it records a SHA-256 of
 * every output file that rendering loads (the entry and the static import
 * closure of the real CLI chunk). At run time the snapshot answers only if
 * those files still hash to that key and argv is exactly one of the recorded
 * invocations; anything else (another flag, a subcommand, a missing or
 * edited file, MIYABI_STARTUP_SNAPSHOT=off) runs the real CLI.
 * StartupSnapshot.built.test.ts proves the recorded text equals the live
 * rendering of the command tree.
 *
 * Plain Node code on purpose: importing `effect` here would load the very
 * chunk this module exists to skip.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"

/** The snapshot's file name, beside the built `main.js`. */
export const snapshotFileName = "startup-snapshot.json"

/** Set to "off" to always run the real CLI (the build does, to write the snapshot). */
export const snapshotSwitch = "MIYABI_STARTUP_SNAPSHOT"

/** The invocations answered from the snapshot: argv after `node main.js`, one element each. */
export const snapshotInvocations = ["--help", "-h", "--version"] as const

export interface StartupSnapshot {
  readonly format: 1
  /** Output files (relative to the snapshot's directory) whose content the key covers. */
  readonly files: ReadonlyArray<string>
  /** SHA-256 over the files' names and contents, in order (see `contentKey`). */
  readonly key: string
  /** Exact stdout of each invocation (exit code 0, nothing on stderr), keyed by its single argument. */
  readonly outputs: Readonly<Record<string, string>>
}

/** The key of `files` in `dir`: each name, NUL, byte length, NUL, bytes; undefined when a file cannot be read. */
export const contentKey = (dir: string, files: ReadonlyArray<string>): string | undefined => {
  const hash = createHash("sha256")
  for (const file of files) {
    let bytes: Buffer
    try {
      bytes = fs.readFileSync(path.join(dir, file))
    } catch {
      return undefined
    }
    hash.update(`${file}\0${bytes.length}\0`)
    hash.update(bytes)
  }
  return hash.digest("hex")
}

const isStringArray = (value: unknown): value is ReadonlyArray<string> =>
  Array.isArray(value) && value.every((item) => typeof item === "string")

const isStringRecord = (value: unknown): value is Readonly<Record<string, string>> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((item) => typeof item === "string")

/** The snapshot in `dir`, or undefined when it is missing or not a snapshot of this format. */
export const readSnapshot = (dir: string): StartupSnapshot | undefined => {
  let parsed: unknown
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(dir, snapshotFileName), "utf8"))
  } catch {
    return undefined
  }
  if (typeof parsed !== "object" || parsed === null) return undefined
  const { format, files, key, outputs } = parsed as Record<string, unknown>
  if (format !== 1 || !isStringArray(files) || files.length === 0 || typeof key !== "string" || !isStringRecord(outputs)) return undefined
  // A file list may only name files inside the directory.
  if (files.some((file) => path.isAbsolute(file) || file.split(/[\\/]/).includes(".."))) return undefined
  return { format, files, key, outputs }
}

/**
 * The recorded stdout for `args` (argv after the script) when the snapshot in
 * `dir` answers it and still matches the files it was taken from; otherwise
 * undefined, and the caller runs the real CLI.
 */
export const snapshotAnswer = (
  dir: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>>
): string | undefined => {
  if (env[snapshotSwitch] === "off" || args.length !== 1) return undefined
  const [arg] = args
  if (arg === undefined || !(snapshotInvocations as ReadonlyArray<string>).includes(arg)) return undefined
  const snapshot = readSnapshot(dir)
  const output = snapshot?.outputs[arg]
  if (snapshot === undefined || output === undefined) return undefined
  return contentKey(dir, snapshot.files) === snapshot.key ? output : undefined
}
