/**
 * Intake: the GitHub webhook receiver (signature check, replay rejection,
 * issue-to-task mapping, enqueue) as one core with two front ends, a Lambda
 * handler and a local HTTP server. This is the public API of the `Intake`
 * namespace of @miyabi/queue.
 */
export * as DeliveryStore from "./DeliveryStore.js"
export { DeliveryStore as DeliveryStoreTag, DeliveryStoreError, type DeliveryStoreShape } from "./DeliveryStore.js"
export * as IssueEvent from "./IssueEvent.js"
export * as LambdaHandler from "./LambdaHandler.js"
export * as LocalServer from "./LocalServer.js"
export * as Notifier from "./Notifier.js"
export { Notifier as NotifierTag, NotifierError, type IssueRef, type NotifierShape } from "./Notifier.js"
export * as WebhookIntake from "./WebhookIntake.js"
export { intakeConfig, WebhookIntake as WebhookIntakeTag, type IntakeConfig, type IntakeRequest, type IntakeResponse } from "./WebhookIntake.js"
export { sign, verifySignature, type SignatureCheck } from "./WebhookSignature.js"
