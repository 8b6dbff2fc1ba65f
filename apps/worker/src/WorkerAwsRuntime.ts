/**
 * The AWS runtime the worker's handlers act through: AwsRuntime's settings
 * from the environment, with the member-account role of the worker's
 * configuration (MIYABI_MEMBER_ROLE_NAME, MIYABI_MEMBER_EXTERNAL_ID) and the
 * session purpose "worker", so a handler that targets a member account
 * assumes arn:aws:iam::<account>:role/<roleName> as "miyabi-<user>-worker"
 * (the CDK app lets the task role assume only that role).
 */
import { AwsClients, AwsConfig, type AwsRuntime, RequestBudget } from "@miyabi/aws-runtime"
import { type ConfigError, Effect, Layer } from "effect"
import type { MemberRole } from "./WorkerConfig.js"

export const SESSION_PURPOSE = "worker"

/** AwsRuntime's configuration from the environment, then the member role over it. */
export const workerAwsConfig = (role: MemberRole): Layer.Layer<AwsConfig.AwsConfig, ConfigError.ConfigError> =>
  Layer.effect(
    AwsConfig.AwsConfig,
    Effect.map(AwsConfig.config, (config) => ({
      ...config,
      sessionPurpose: SESSION_PURPOSE,
      ...(role.roleName === undefined ? {} : { roleName: role.roleName }),
      ...(role.externalId === undefined ? {} : { externalId: role.externalId })
    }))
  )

/** The whole runtime (clients, request budget, configuration) for the worker's handlers. */
export const workerAwsRuntime = (role: MemberRole): Layer.Layer<AwsRuntime.AwsRuntimeServices, ConfigError.ConfigError> =>
  AwsClients.layer().pipe(Layer.provideMerge(RequestBudget.layer), Layer.provideMerge(workerAwsConfig(role)))
