/**
 * The webhook Lambda's entry point (bundled by tsup to dist/webhook/index.mjs):
 * one runtime per container, built from the environment the stack sets
 * (queue URLs, table, secret), running Intake.LambdaHandler for each event.
 * Replays within one container are caught by the in-memory delivery store;
 * across containers by the queue's idempotency key (the delivery id).
 */
import { Intake, QueueStore } from "@miyabi/queue"
import { Layer, ManagedRuntime } from "effect"

const queue = QueueStore.awsLayer({}).pipe(Layer.provide(QueueStore.awsRuntimeLayer))
const runtime = ManagedRuntime.make(Intake.WebhookIntake.layerConfig.pipe(Layer.provide(Layer.merge(queue, Intake.DeliveryStore.layerMemory()))))

export const handler = (event: Intake.LambdaHandler.ProxyEvent): Promise<Intake.LambdaHandler.ProxyResult> =>
  runtime.runPromise(Intake.LambdaHandler.handle(event))
