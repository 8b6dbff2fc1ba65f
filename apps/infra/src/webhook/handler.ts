/**
 * The webhook Lambda's entry point (bundled by tsup to dist/webhook/index.mjs):
 * one runtime per container, built from the environment the stack sets
 * (queue URLs, table, secret), running Intake.LambdaHandler for each event.
 * Replays are refused across containers by the DynamoDB replay store
 * (DELIVERY#<id> items with a TTL in the task table; MIYABI_REPLAY_STORE=memory
 * keeps them per container instead), and behind it by the queue's idempotency
 * key (the delivery id). Queue and replay store share one set of AWS clients.
 */
import { Intake, QueueStore } from "@miyabi/queue"
import { Layer, ManagedRuntime } from "effect"

const store: QueueStore.StoreSpec = { _tag: "Aws", settings: {} }
const queue = QueueStore.awsLayer(store.settings).pipe(Layer.provide(QueueStore.awsRuntimeLayer))
const runtime = ManagedRuntime.make(Intake.WebhookIntake.layerConfig.pipe(Layer.provide(Layer.merge(queue, QueueStore.deliveryStoreLayer(store)))))

export const handler = (event: Intake.LambdaHandler.ProxyEvent): Promise<Intake.LambdaHandler.ProxyResult> =>
  runtime.runPromise(Intake.LambdaHandler.handle(event))
