/**
 * The sandbox's S3 objects: per bucket, in memory, for one sandbox. The S3
 * service writes and reads them (S3Objects.ts) and Athena reads a table's
 * LOCATION from them, so Sandbox.ts builds one store and gives it to both.
 */

export interface S3Object {
  readonly body: Buffer
  /** Quoted MD5 hex, as S3 gives it for a single-part upload. */
  readonly etag: string
  readonly contentType: string
  /** `x-amz-meta-*` headers, names lower-case without the prefix. */
  readonly metadata: Readonly<Record<string, string>>
  readonly lastModified: Date
}

export interface S3ObjectStore {
  readonly get: (bucket: string, key: string) => S3Object | undefined
  readonly put: (bucket: string, key: string, object: S3Object) => void
  /** Removes the object; nothing happens when it does not exist. */
  readonly delete: (bucket: string, key: string) => void
  /** Keys starting with `prefix`, in UTF-8 binary order (S3's listing order). */
  readonly keys: (bucket: string, prefix: string) => ReadonlyArray<string>
}

/** UTF-8 binary order: JavaScript's `<` compares UTF-16 code units, which differs above U+FFFF. */
export const compareUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"))

export const makeS3ObjectStore = (): S3ObjectStore => {
  const buckets = new Map<string, Map<string, S3Object>>()
  return {
    get: (bucket, key) => buckets.get(bucket)?.get(key),
    put: (bucket, key, object) => {
      const objects = buckets.get(bucket) ?? new Map<string, S3Object>()
      objects.set(key, object)
      buckets.set(bucket, objects)
    },
    delete: (bucket, key) => {
      buckets.get(bucket)?.delete(key)
    },
    keys: (bucket, prefix) => [...(buckets.get(bucket)?.keys() ?? [])].filter((k) => k.startsWith(prefix)).sort(compareUtf8)
  }
}
