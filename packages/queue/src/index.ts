/**
 * @miyabi/queue: the public API of the task queue and the worker runtime.
 * Import from "@miyabi/queue" only; internal paths are not part of the API.
 */
export * from "./TaskQueue.js"
export * as Backoff from "./Backoff.js"
export * as SqliteTaskQueue from "./SqliteTaskQueue.js"
export type { SqliteTaskQueueOptions } from "./SqliteTaskQueue.js"
export * as Scaling from "./scaling/index.js"
export * as Intake from "./intake/index.js"
