/**
 * What `--store` (or MIYABI_STORE) means: which queue backend, and where.
 *
 *   (absent)            miyabi.db under the user's data directory
 *   sqlite:PATH | PATH  a SQLite file (its directory must exist)
 *   aws:[k=v,...]       the SQS + DynamoDB adapter (settings: see @miyabi/queue QueueStore.ts)
 *
 * Anything else is one `InvalidInput` naming the flag and the reason.
 */
import { InvalidInput } from "@miyabi/types"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

export type StoreConfig =
  | { readonly _tag: "Sqlite"; readonly path: string }
  | { readonly _tag: "Aws"; readonly spec: string }

export interface StoreEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly platform: NodeJS.Platform
  readonly home: string
}

export const processEnvironment = (): StoreEnvironment => ({
  env: process.env,
  platform: process.platform,
  home: os.homedir()
})

/** The per-user data directory of miyabi (XDG on Linux, Application Support on macOS). */
export const dataDirectory = (environment: StoreEnvironment): string => {
  const { env, home, platform } = environment
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "miyabi")
  if (platform === "win32") return path.join(env["LOCALAPPDATA"] ?? path.join(home, "AppData", "Local"), "miyabi")
  const xdg = env["XDG_DATA_HOME"]
  return path.join(xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(home, ".local", "share"), "miyabi")
}

export const defaultStorePath = (environment: StoreEnvironment): string =>
  path.join(dataDirectory(environment), "miyabi.db")

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s

/**
 * Parses and checks a store flag. `source` names the flag or variable in
 * error messages ("--store", "MIYABI_STORE").
 */
export const parseStore = (
  raw: Option.Option<string>,
  options: { readonly source: string; readonly environment?: StoreEnvironment }
): Effect.Effect<StoreConfig, InvalidInput> =>
  Effect.suspend(() => {
    const environment = options.environment ?? processEnvironment()
    const invalid = (reason: string) => Effect.fail(new InvalidInput({ source: options.source, reason }))
    if (Option.isNone(raw)) {
      const file = defaultStorePath(environment)
      return Effect.try({
        try: () => fs.mkdirSync(path.dirname(file), { recursive: true }),
        catch: (error) =>
          new InvalidInput({
            source: options.source,
            reason: `cannot create the default store directory ${path.dirname(file)} (${describe(error)}); pass --store PATH`
          })
      }).pipe(Effect.zipRight(checkSqlitePath(file, options.source)))
    }
    const value = raw.value.trim()
    if (value === "") return invalid("is empty; use sqlite:PATH or a file path")
    const match = SCHEME.exec(value)
    // A one-letter "scheme" is a Windows drive (C:\...), i.e. a plain path.
    if (match === null || match[1]!.length === 1) return checkSqlitePath(value, options.source)
    const scheme = match[1]!.toLowerCase()
    const rest = match[2]!
    switch (scheme) {
      case "sqlite":
        return rest === "" ? invalid("sqlite: needs a file path, e.g. sqlite:./miyabi.db") : checkSqlitePath(rest, options.source)
      case "aws":
        return Effect.succeed<StoreConfig>({ _tag: "Aws", spec: rest })
      default:
        return invalid(`unknown store scheme "${scheme}:"; use sqlite:PATH, a file path, or aws:...`)
    }
  })

const describe = (error: unknown): string =>
  error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : String(error)

/** The file may exist (a regular, writable file) or not (its directory must exist and be writable). */
const checkSqlitePath = (file: string, source: string): Effect.Effect<StoreConfig, InvalidInput> =>
  Effect.try({
    try: (): StoreConfig => {
      const resolved = path.resolve(file.startsWith("~/") ? path.join(os.homedir(), file.slice(2)) : file)
      const fail = (reason: string): never => {
        throw new InvalidInput({ source, reason })
      }
      const stat = fs.statSync(resolved, { throwIfNoEntry: false })
      if (stat !== undefined) {
        if (stat.isDirectory()) fail(`${resolved} is a directory, not a SQLite file`)
        if (!stat.isFile()) fail(`${resolved} is not a regular file`)
        if (!writable(resolved)) fail(`${resolved} is not writable`)
        return { _tag: "Sqlite", path: resolved }
      }
      const directory = path.dirname(resolved)
      const parent = fs.statSync(directory, { throwIfNoEntry: false })
      if (parent === undefined) fail(`directory ${directory} does not exist`)
      if (parent !== undefined && !parent.isDirectory()) fail(`${directory} is not a directory`)
      if (!writable(directory)) fail(`directory ${directory} is not writable`)
      return { _tag: "Sqlite", path: resolved }
    },
    catch: (error) =>
      error instanceof InvalidInput
        ? error
        : new InvalidInput({
            source,
            reason: describe(error) === "ENOTDIR" ? `a parent of ${file} is not a directory` : `cannot use ${file}: ${describe(error)}`
          })
  })

const writable = (target: string): boolean => {
  try {
    fs.accessSync(target, fs.constants.W_OK)
    return true
  } catch {
    return false
  }
}
