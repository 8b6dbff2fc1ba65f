/**
 * The built worker's traces, received by a local OTLP/HTTP endpoint (a tiny
 * node:http server on 127.0.0.1 playing the collector): a handled task's
 * claim, run, handling and completion arrive as spans carrying the task id,
 * handling and completion as children of the task's span;
 * with MIYABI_TRACES=off nothing is sent even though an endpoint is set.
 */
import { Echo, SqliteTaskQueue, TaskQueue } from "@miyabi/queue"
import { EnqueueRequest, type Task } from "@miyabi/types"
import { Effect } from "effect"
import type { ChildProcess } from "node:child_process"
import { builtWorkerMain, startBuiltWorker } from "./BuiltWorker.testkit.js"
import * as fs from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-worker-traces-"))
const children: Array<ChildProcess> = []

interface OtlpValue {
  readonly stringValue?: string
  readonly intValue?: number | string
}
interface OtlpSpan {
  readonly name: string
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly attributes: ReadonlyArray<{ readonly key: string; readonly value: OtlpValue }>
}
interface OtlpExport {
  readonly resourceSpans: ReadonlyArray<{
    readonly resource: { readonly attributes: ReadonlyArray<{ readonly key: string; readonly value: OtlpValue }> }
    readonly scopeSpans: ReadonlyArray<{ readonly spans: ReadonlyArray<OtlpSpan> }>
  }>
}

/** The collector's OTLP/HTTP traces endpoint: records every JSON export it is sent. */
const collector = async () => {
  const received: Array<{ path: string; contentType: string; body: OtlpExport }> = []
  const server: Server = createServer((req, res) => {
    let text = ""
    req.on("data", (chunk: Buffer) => (text += chunk.toString()))
    req.on("end", () => {
      received.push({ path: req.url ?? "", contentType: req.headers["content-type"] ?? "", body: JSON.parse(text) as OtlpExport })
      res.writeHead(200, { "content-type": "application/json" })
      res.end("{}")
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const onStore = <A>(store: string, effect: Effect.Effect<A, unknown, TaskQueue>): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.provide(effect, SqliteTaskQueue.layer(store))))

const enqueueEcho = (store: string, message: string) =>
  onStore(store, Effect.flatMap(TaskQueue, (queue) => queue.enqueue(EnqueueRequest.make({ kind: Echo.kind, payload: { message } }))).pipe(Effect.map((r) => r.task)))

const statusOf = (store: string, task: Task) => onStore(store, Effect.flatMap(TaskQueue, (queue) => queue.get(task.id))).then((t) => t.status)

/** Polls every 50 ms for at most `ms`. */
const until = async (what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Runs the worker until `task` is completed and `done` holds, then SIGTERM; resolves with its exit code. */
const runUntilCompleted = async (store: string, task: Task, env: Record<string, string>, done: () => boolean = () => true) => {
  const worker = startBuiltWorker({ MIYABI_STORE: store, MIYABI_TRACES: "", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "", ...env })
  children.push(worker.process)
  await until("the task to complete", async () => (await statusOf(store, task)) === "Completed")
  await until("the collector to have what it should", () => Promise.resolve(done()))
  worker.process.kill("SIGTERM")
  const code = await worker.exited
  return { code, stderr: worker.stderr() }
}

const attribute = (span: OtlpSpan, key: string): string | undefined => {
  const value = span.attributes.find((a) => a.key === key)?.value
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : String(value.intValue))
}

beforeAll(() => {
  if (!fs.existsSync(builtWorkerMain)) throw new Error(`${builtWorkerMain} is missing: build the worker first (npx nx run @miyabi/worker:build)`)
})
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe("miyabi-worker traces (built)", () => {
  it("exports the spans of a handled task over OTLP/HTTP: claim, task, handle and complete, each with the task id", async () => {
    const otlp = await collector()
    try {
      const store = path.join(tmp, "traced.db")
      const task = await enqueueEcho(store, "traced")
      const spansOf = () => otlp.received.flatMap((r) => r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)))
      // Stop the worker once the completion's span has arrived: a batch still in flight when the
      // exporter's scope closes is interrupted (@effect/opentelemetry 0.64), and this test is about export, not that race.
      const { code, stderr } = await runUntilCompleted(
        store,
        task,
        { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: "miyabi-worker-test", OTEL_BSP_SCHEDULE_DELAY: "200" },
        () => spansOf().some((span) => span.name === "TaskQueue.complete")
      )
      expect(stderr).toBe("")
      expect(code).toBe(0)

      expect(otlp.received.length).toBeGreaterThan(0)
      expect(new Set(otlp.received.map((r) => r.path))).toEqual(new Set(["/v1/traces"]))
      expect(otlp.received[0]?.contentType).toContain("application/json")
      const resource = otlp.received[0]?.body.resourceSpans[0]?.resource.attributes ?? []
      expect(resource).toEqual(expect.arrayContaining([{ key: "service.name", value: { stringValue: "miyabi-worker-test" } }]))

      const spans = spansOf()
      const ofTask = spans.filter((s) => attribute(s, "taskId") === task.id)
      const names = new Set(ofTask.map((s) => s.name))
      for (const name of ["TaskQueue.claim", "WorkerRuntime.task", "WorkerRuntime.handle", "TaskQueue.complete"]) expect(names, name).toContain(name)
      // One trace: handling and completion are children of the task's span.
      const taskSpan = ofTask.find((s) => s.name === "WorkerRuntime.task")!
      expect(attribute(taskSpan, "kind")).toBe("echo")
      for (const child of ["WorkerRuntime.handle", "TaskQueue.complete"]) {
        const span = ofTask.find((s) => s.name === child)!
        expect([span.traceId, span.parentSpanId]).toEqual([taskSpan.traceId, taskSpan.spanId])
      }
    } finally {
      await otlp.close()
    }
  })

  it("sends nothing with MIYABI_TRACES=off, even with an endpoint set", async () => {
    const otlp = await collector()
    try {
      const store = path.join(tmp, "untraced.db")
      const task = await enqueueEcho(store, "untraced")
      const { code } = await runUntilCompleted(store, task, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, MIYABI_TRACES: "off", OTEL_BSP_SCHEDULE_DELAY: "50" })
      expect(code).toBe(0)
      expect(otlp.received).toEqual([])
    } finally {
      await otlp.close()
    }
  })
})
