/**
 * Store strings: what `--store` / MIYABI_STORE may say, and how the AWS
 * settings combine with the environment.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Either } from "effect"
import { awsSettingsConfig, parseAwsSettings, parseStore, replayStoreMode, type StoreSpec } from "./QueueStore.js"

describe("QueueStore.parseStore", () => {
  it.effect("reads sqlite: paths, bare paths and aws: settings", () =>
    Effect.gen(function* () {
      expect(yield* parseStore("sqlite:/tmp/q.db")).toEqual({ _tag: "Sqlite", path: "/tmp/q.db" })
      expect(yield* parseStore("./q.db")).toEqual({ _tag: "Sqlite", path: "./q.db" })
      expect(yield* parseStore("aws:")).toEqual({ _tag: "Aws", settings: {} })
      expect(yield* parseStore("aws:prefix=miyabi-dev,provision")).toEqual({ _tag: "Aws", settings: { prefix: "miyabi-dev", provision: true } })
      expect(yield* parseStore("AWS:table=t,high=http://h/1/a,standard=http://h/1/b,dlq=http://h/1/c")).toEqual({
        _tag: "Aws",
        settings: { tableName: "t", highUrl: "http://h/1/a", standardUrl: "http://h/1/b", deadLetterUrl: "http://h/1/c" }
      })
    })
  )

  it.effect("names the flag and the problem in one InvalidInput", () =>
    Effect.gen(function* () {
      const reasons = yield* Effect.forEach(["", "redis:x", "sqlite:", "aws:color=blue", "aws:provision=maybe", "aws:prefix=a b"], (raw) =>
        Effect.flip(parseStore(raw, "MIYABI_STORE")).pipe(Effect.map((e) => `${e.source}: ${e.reason}`))
      )
      expect(reasons).toEqual([
        "MIYABI_STORE: is empty; use sqlite:PATH or aws:...",
        'MIYABI_STORE: unknown store scheme "redis:"; use sqlite:PATH or aws:...',
        "MIYABI_STORE: sqlite: needs a file path, e.g. sqlite:./miyabi.db",
        'MIYABI_STORE: unknown aws: setting "color"; use prefix, table, high, standard, dlq, provision',
        'MIYABI_STORE: aws: provision is true or false, not "maybe"',
        "MIYABI_STORE: aws: prefix is 1-60 characters of letters, digits, - and _"
      ])
      expect(parseAwsSettings("table=")).toEqual(Either.left('aws: setting "table" has no value'))
    })
  )

  it.effect("fills what the string leaves out from the environment; the string wins", () =>
    Effect.gen(function* () {
      const env = ConfigProvider.fromMap(
        new Map([
          ["MIYABI_QUEUE_PREFIX", "prod"],
          ["MIYABI_TASK_TABLE", "prod-tasks"],
          ["MIYABI_QUEUE_HIGH_URL", "https://sqs/1/prod-high"],
          ["MIYABI_QUEUE_PROVISION", "false"]
        ])
      )
      const settings = yield* Effect.withConfigProvider(awsSettingsConfig({ tableName: "given" }), env)
      expect(settings).toEqual({
        prefix: "prod",
        tableName: "given",
        highUrl: "https://sqs/1/prod-high",
        standardUrl: undefined,
        deadLetterUrl: undefined,
        provision: false,
        logRetention: Duration.days(30)
      })
    })
  )

  it.effect("reads the task log retention (the TTL of LOG# items) from MIYABI_TASK_LOG_RETENTION", () =>
    Effect.gen(function* () {
      const read = (value: string) => Effect.withConfigProvider(awsSettingsConfig({}), ConfigProvider.fromMap(new Map([["MIYABI_TASK_LOG_RETENTION", value]])))
      expect((yield* read("7 days")).logRetention).toEqual(Duration.days(7))
      expect((yield* read("12 hours")).logRetention).toEqual(Duration.hours(12))
      const bad = yield* Effect.flip(read("a month"))
      expect(String(bad)).toContain("MIYABI_TASK_LOG_RETENTION")
    })
  )

  it.effect("chooses the webhook replay store: DynamoDB beside an aws: queue, memory beside SQLite, MIYABI_REPLAY_STORE to choose", () =>
    Effect.gen(function* () {
      const mode = (store: StoreSpec, env: ReadonlyArray<readonly [string, string]>) =>
        Effect.withConfigProvider(replayStoreMode(store), ConfigProvider.fromMap(new Map(env)))
      const aws: StoreSpec = { _tag: "Aws", settings: {} }
      const sqlite: StoreSpec = { _tag: "Sqlite", path: "/tmp/q.db" }
      expect(yield* mode(aws, [])).toBe("dynamodb")
      expect(yield* mode(sqlite, [])).toBe("memory")
      expect(yield* mode(aws, [["MIYABI_REPLAY_STORE", ""]])).toBe("dynamodb")
      expect(yield* mode(aws, [["MIYABI_REPLAY_STORE", "memory"]])).toBe("memory")
      const wrong = yield* Effect.flip(mode(sqlite, [["MIYABI_REPLAY_STORE", "dynamodb"]]))
      expect(String(wrong)).toContain("MIYABI_REPLAY_STORE")
      expect(String(wrong)).toContain("needs an aws: store")
      expect(String(yield* Effect.flip(mode(aws, [["MIYABI_REPLAY_STORE", "redis"]])))).toContain("MIYABI_REPLAY_STORE")
    })
  )
})
