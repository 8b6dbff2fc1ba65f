import { it } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { loadWorkerConfig } from "./WorkerConfig.js"

describe("loadWorkerConfig", () => {
  it.effect("applies defaults when nothing is set", () =>
    Effect.gen(function* () {
      const config = yield* loadWorkerConfig({ XDG_DATA_HOME: "/data" })
      expect(config).toEqual({
        store: { _tag: "Sqlite", path: "/data/miyabi/miyabi.db" },
        concurrency: 4,
        leaseMs: 30_000,
        drainMs: 25_000,
        httpPort: 8080,
        httpHost: "0.0.0.0",
        logLevel: "info",
        metrics: "none",
        memberRole: { roleName: undefined, externalId: undefined },
        traces: { _tag: "Off" },
        cycleTable: "miyabi-cycles"
      })
    })
  )

  it.effect("aws-cycle's table (cycles and deployment records), and a bad table name named by its variable", () =>
    Effect.gen(function* () {
      const config = yield* loadWorkerConfig({ MIYABI_STORE: "aws:prefix=p", MIYABI_CYCLE_TABLE: "p-cycles" })
      expect(config.cycleTable).toBe("p-cycles")
      expect(Object.keys(config)).not.toContain("deploymentRecords")
      const error = yield* Effect.flip(loadWorkerConfig({ MIYABI_STORE: "/tmp/w.db", MIYABI_CYCLE_TABLE: "no spaces allowed" }))
      expect(error.message).toMatch(/^env MIYABI_CYCLE_TABLE: /)
    })
  )

  it.effect("reports EMF metrics by default on ECS, and names MIYABI_METRICS when it is wrong", () =>
    Effect.gen(function* () {
      expect((yield* loadWorkerConfig({ MIYABI_STORE: "/tmp/w.db", ECS_AGENT_URI: "http://169.254.170.2/api/x" })).metrics).toBe("emf")
      expect((yield* loadWorkerConfig({ MIYABI_STORE: "/tmp/w.db", MIYABI_METRICS: "emf" })).metrics).toBe("emf")
      const error = yield* Effect.flip(loadWorkerConfig({ MIYABI_STORE: "/tmp/w.db", MIYABI_METRICS: "statsd" }))
      expect(error.message).toMatch(/^env MIYABI_METRICS: /)
    })
  )

  it.effect("treats an empty variable as unset", () =>
    Effect.gen(function* () {
      const config = yield* loadWorkerConfig({ MIYABI_CONCURRENCY: "", MIYABI_STORE: "/tmp/w.db" })
      expect(config).toMatchObject({ concurrency: 4, store: { _tag: "Sqlite", path: "/tmp/w.db" } })
    })
  )

  it.effect("reads every variable", () =>
    Effect.gen(function* () {
      const config = yield* loadWorkerConfig({
        MIYABI_STORE: "sqlite:/tmp/q.db",
        MIYABI_CONCURRENCY: "8",
        MIYABI_LEASE_SECONDS: "60",
        MIYABI_DRAIN_SECONDS: "5",
        MIYABI_HTTP_PORT: "0",
        MIYABI_HTTP_HOST: "127.0.0.1",
        LOG_LEVEL: "debug"
      })
      expect(config).toMatchObject({ store: { _tag: "Sqlite", path: "/tmp/q.db" }, concurrency: 8, leaseMs: 60_000, drainMs: 5_000, httpPort: 0, logLevel: "debug" })
    })
  )

  it.effect.each([
    ["MIYABI_CONCURRENCY", "abc", 'env MIYABI_CONCURRENCY: Unable to decode "abc" into a number (got "abc")'],
    ["MIYABI_CONCURRENCY", "0", 'env MIYABI_CONCURRENCY: Expected a number between 1 and 256, actual 0 (got "0")'],
    ["MIYABI_LEASE_SECONDS", "1.5", 'env MIYABI_LEASE_SECONDS: Expected an integer, actual 1.5 (got "1.5")'],
    ["MIYABI_HTTP_PORT", "70000", 'env MIYABI_HTTP_PORT: Expected a number between 0 and 65535, actual 70000 (got "70000")'],
    ["MIYABI_STORE", "ftp://x", 'env MIYABI_STORE: unknown store scheme "ftp:"; use sqlite:PATH, a file path, or aws:...']
  ] as ReadonlyArray<readonly [string, string, string]>)("names the variable when %s=%s is bad", ([name, value, message]) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(loadWorkerConfig({ [name]: value }))
      expect(error.message).toBe(message)
    })
  )

  it.effect("reads the member-account role and external id, and names the variable when one is not what IAM accepts", () =>
    Effect.gen(function* () {
      const config = yield* loadWorkerConfig({ MIYABI_STORE: "/tmp/w.db", MIYABI_MEMBER_ROLE_NAME: "MiyabiMemberAccess", MIYABI_MEMBER_EXTERNAL_ID: "miyabi-prod:7" })
      expect(config.memberRole).toEqual({ roleName: "MiyabiMemberAccess", externalId: "miyabi-prod:7" })
      const badRole = yield* Effect.flip(loadWorkerConfig({ MIYABI_MEMBER_ROLE_NAME: "role/with/path" }))
      expect(badRole.message).toBe('env MIYABI_MEMBER_ROLE_NAME: expected an IAM role name: 1-64 letters, digits and + = , . @ _ - (got "role/with/path")')
      const tooLong = yield* Effect.flip(loadWorkerConfig({ MIYABI_MEMBER_ROLE_NAME: "r".repeat(65) }))
      expect(tooLong.source).toBe("env MIYABI_MEMBER_ROLE_NAME")
      const badId = yield* Effect.flip(loadWorkerConfig({ MIYABI_MEMBER_EXTERNAL_ID: "has space" }))
      expect(badId.message).toMatch(/^env MIYABI_MEMBER_EXTERNAL_ID: expected an external id/)
    })
  )

  it.effect("traces: off unless an OTLP endpoint or MIYABI_TRACES=otlp says otherwise; the OTel variables name the URL", () =>
    Effect.gen(function* () {
      const traces = (env: Record<string, string>) => Effect.map(loadWorkerConfig({ MIYABI_STORE: "/tmp/w.db", ...env }), (c) => c.traces)
      expect(yield* traces({})).toEqual({ _tag: "Off" })
      expect(yield* traces({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" })).toEqual({
        _tag: "Otlp",
        url: "http://collector:4318/v1/traces",
        serviceName: "miyabi-worker",
        exportIntervalMs: 5_000
      })
      expect(yield* traces({ MIYABI_TRACES: "otlp", OTEL_SERVICE_NAME: "workers-eu", OTEL_BSP_SCHEDULE_DELAY: "250" })).toEqual({
        _tag: "Otlp",
        url: "http://localhost:4318/v1/traces",
        serviceName: "workers-eu",
        exportIntervalMs: 250
      })
      expect(yield* traces({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://b:4318/custom" })).toMatchObject({ url: "http://b:4318/custom" })
      expect(yield* traces({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://a:4318", MIYABI_TRACES: "off" })).toEqual({ _tag: "Off" })
      expect((yield* Effect.flip(loadWorkerConfig({ MIYABI_TRACES: "xray" }))).source).toBe("env MIYABI_TRACES")
      expect((yield* Effect.flip(loadWorkerConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "not a url" }))).source).toBe("env OTEL_EXPORTER_OTLP_ENDPOINT")
    })
  )

  it.effect("names LOG_LEVEL and lists what it accepts", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(loadWorkerConfig({ LOG_LEVEL: "loud" }))
      expect(error.source).toBe("env LOG_LEVEL")
      expect(error.message).toBe('env LOG_LEVEL: expected one of debug, info, warn, error (got "loud")')
    })
  )
})
