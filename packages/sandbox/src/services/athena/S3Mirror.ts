/**
 * Athena reads a table's LOCATION from S3; the sandbox's DuckDB reads files.
 * A location with no local directory mapping is copied from the sandbox's
 * S3 object store to a temporary directory, brought up to date before each
 * query that names the table (Athena reads the objects present when the
 * query runs) and removed when the sandbox stops.
 *
 * The copy is made again only when the location's objects changed: its
 * fingerprint is every copied key with its ETag, last-modified time and
 * size, so repeated queries over unchanged data reuse the files, and an
 * object put (a new ETag or last-modified time) or deleted is copied on the
 * next query.
 */
import { createHash } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { mkdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import type { S3ObjectStore } from "../s3/S3ObjectStore.js"

/** `s3://bucket/prefix/` -> bucket and key prefix; undefined for anything else. */
export const parseS3Location = (location: string): { readonly bucket: string; readonly prefix: string } | undefined => {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location.trim())
  if (m === null) return undefined
  const prefix = m[2] ?? ""
  return { bucket: m[1] ?? "", prefix: prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/` }
}

export const makeS3Mirror = (objects: S3ObjectStore) => {
  let root: string | undefined

  /** Per mirrored directory, the fingerprint of the objects last copied there. */
  const copied = new Map<string, string>()

  /** The objects under a location Athena reads, with their path segments below it. */
  const readable = (bucket: string, prefix: string) =>
    objects.keys(bucket, prefix).flatMap((key) => {
      const segments = key.slice(prefix.length).split("/")
      const name = segments.at(-1) ?? ""
      // Athena skips "folder" markers and files whose name starts with "_" or "." (Hive's hidden files); ".." must not leave the directory.
      if (name === "" || name.startsWith("_") || name.startsWith(".") || segments.some((s) => s === "..")) return []
      const object = objects.get(bucket, key)
      return object === undefined ? [] : [{ key, segments, object }]
    })

  /** Brings the copy of the objects under `location` up to date (rewritten only when they changed) and returns its directory, or undefined for a non-S3 location. */
  const sync = async (location: string): Promise<string | undefined> => {
    const parsed = parseS3Location(location)
    if (parsed === undefined) return undefined
    root ??= mkdtempSync(join(tmpdir(), "miyabi-sandbox-athena-"))
    const dir = join(root, createHash("sha256").update(location).digest("hex").slice(0, 16))
    const items = readable(parsed.bucket, parsed.prefix)
    const fingerprint = items.map(({ key, object }) => `${key}\u0000${object.etag}\u0000${object.lastModified.getTime()}\u0000${object.body.length}`).join("\n")
    if (copied.get(dir) === fingerprint) return dir
    copied.delete(dir)
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir, { recursive: true })
    for (const { segments, object } of items) {
      const file = join(dir, ...segments)
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, object.body)
    }
    copied.set(dir, fingerprint)
    return dir
  }

  /** Removes every mirrored directory; the sandbox calls this when it stops. */
  const close = (): void => {
    if (root !== undefined) rmSync(root, { recursive: true, force: true })
    root = undefined
    copied.clear()
  }

  return { sync, close }
}

export type S3Mirror = ReturnType<typeof makeS3Mirror>
