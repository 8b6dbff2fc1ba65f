/**
 * @miyabi/queue: the public API of the task queue and the worker runtime.
 * Import from "@miyabi/queue" only; internal paths are not part of the API.
 */
export * from "./TaskQueue.js"
export * as Backoff from "./Backoff.js"
export * as SqliteTaskQueue from "./SqliteTaskQueue.js"
export type { SqliteTaskQueueOptions } from "./SqliteTaskQueue.js"
export * as Scaling from "./scaling/index.js"
export * as HandlerRegistry from "./HandlerRegistry.js"
export { TaskFailure, type Handler, type TaskContext } from "./HandlerRegistry.js"
export * as WorkerRuntime from "./WorkerRuntime.js"
export type { DrainReport, WorkerRuntimeOptions } from "./WorkerRuntime.js"
export * as WorkerMetrics from "./WorkerMetrics.js"
export * as WorkerLogger from "./WorkerLogger.js"
export * as Echo from "./EchoHandler.js"
export { EchoHandler } from "./EchoHandler.js"
export * as Intake from "./intake/index.js"
export * as AwsTaskQueue from "./aws/AwsTaskQueue.js"
export type { AwsTaskQueueShape, AwsTaskQueueOptions, LaneCounts } from "./aws/AwsTaskQueue.js"
export * as AwsQueueResources from "./aws/AwsQueueResources.js"
export * as QueueStore from "./aws/QueueStore.js"
export type { StoreSpec, AwsStoreSettings, QueueStoreOptions } from "./aws/QueueStore.js"
