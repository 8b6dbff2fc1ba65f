/**
 * The worker's traces: Effect's spans (TaskQueue.claim, WorkerRuntime.task,
 * WorkerRuntime.handle, TaskQueue.complete, the AWS adapters' calls) exported
 * over OTLP/HTTP (JSON) by @effect/opentelemetry's OtlpTracer to a collector,
 * which forwards them to X-Ray (the AWS Distro for OpenTelemetry sidecar).
 *
 * Off unless configured. The exporter's modules are imported only when traces
 * are on, so a worker without them loads nothing more at startup.
 *
 *   MIYABI_TRACES                        otlp | off (default: otlp when an endpoint is set, else off)
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT   the full traces URL (wins)
 *   OTEL_EXPORTER_OTLP_ENDPOINT          the collector's base URL; traces go to <base>/v1/traces
 *                                        (default http://localhost:4318 when MIYABI_TRACES=otlp)
 *   OTEL_SERVICE_NAME                    default miyabi-worker
 *   OTEL_BSP_SCHEDULE_DELAY              milliseconds between exports (default 5000)
 */
import { Effect, Layer } from "effect"

export type TracesSetting =
  | { readonly _tag: "Off" }
  | { readonly _tag: "Otlp"; readonly url: string; readonly serviceName: string; readonly exportIntervalMs: number }

export const DEFAULT_COLLECTOR = "http://localhost:4318"

/** The traces URL the OTel environment variables name (the spec's rule: a base endpoint gets /v1/traces appended). */
export const tracesUrl = (env: Readonly<Record<string, string | undefined>>): string | undefined => {
  const full = env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]?.trim()
  if (full !== undefined && full !== "") return full
  const base = env["OTEL_EXPORTER_OTLP_ENDPOINT"]?.trim()
  if (base === undefined || base === "") return undefined
  return `${base.replace(/\/+$/, "")}/v1/traces`
}

/** Spans to the collector; nothing when off. */
export const layer = (setting: TracesSetting, resource: { readonly workerId: string }): Layer.Layer<never> =>
  setting._tag === "Off"
    ? Layer.empty
    : Layer.unwrapEffect(
        Effect.promise(async () => {
          const [OtlpTracer, OtlpSerialization, FetchHttpClient] = await Promise.all([
            import("@effect/opentelemetry/OtlpTracer"),
            import("@effect/opentelemetry/OtlpSerialization"),
            import("@effect/platform/FetchHttpClient")
          ])
          return OtlpTracer.layer({
            url: setting.url,
            resource: { serviceName: setting.serviceName, attributes: { "service.instance.id": resource.workerId } },
            exportInterval: `${setting.exportIntervalMs} millis`,
            // What is buffered is sent when the worker stops (its scope closes), within this bound.
            shutdownTimeout: "3 seconds"
          }).pipe(Layer.provide(OtlpSerialization.layerJson), Layer.provide(FetchHttpClient.layer))
        })
      )
