/**
 * The `aws-cycle` task kind for `miyabi worker run`: @miyabi/aws-agent's
 * AgentCycleTask over the AWS the environment configures, its phases kept in
 * the worker's own store (`--store`), deployment records beside them (so
 * any worker can resume a deployment another one left). A
 * retried task resumes its cycle; AWS errors AWS calls retryable are
 * Transient, everything else Permanent.
 */
import { Cycle, PricingCatalog } from "@miyabi/aws-agent"
import { type Handler, HandlerRegistry, TaskFailure } from "@miyabi/queue"
import { TaskKind } from "@miyabi/types"
import { Effect, Layer, Option } from "effect"
import type { StoreConfig } from "../../StoreConfig.js"
import { agentLayer } from "./AgentCycleHandler.js"
import { cycleStoreLayer } from "./CycleStoreLayer.js"

export const agentCycleKind = TaskKind.make(Cycle.AgentCycleTask.kind)

const storeText = (store: StoreConfig): string => (store._tag === "Sqlite" ? `sqlite:${store.path}` : `aws:${store.spec}`)

export const agentCycleHandler = (store: StoreConfig): Handler =>
  HandlerRegistry.handler({
    kind: agentCycleKind,
    payload: Cycle.AgentCycleTask.Payload,
    timeout: "6 hours",
    run: (payload) =>
      Cycle.AgentCycleTask.run(payload, { catalog: PricingCatalog.shipped }).pipe(
        Effect.provide(Layer.merge(agentLayer(Option.some(storeText(store)), Option.none()), cycleStoreLayer(Option.some(storeText(store))))),
        Effect.mapError((error) =>
          new TaskFailure({
            reason: error._tag !== "InvalidInput" && Cycle.AgentCycleTask.isTransient(error) ? "Transient" : "Permanent",
            message: error.message
          })
        )
      )
  })
