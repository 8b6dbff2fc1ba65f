/**
 * The whole AWS runtime as one layer: configuration, request budget and
 * clients. Apps provide `layerConfig`; tests provide `layer(overrides)`.
 */
import type { ConfigError } from "effect"
import { Layer } from "effect"
import * as AwsClients from "./AwsClients.js"
import * as AwsConfig from "./AwsConfig.js"
import * as RequestBudget from "./RequestBudget.js"

export type AwsRuntimeServices = AwsClients.AwsClients | RequestBudget.RequestBudget | AwsConfig.AwsConfig

const stack = (options: AwsClients.MakeOptions) =>
  AwsClients.layer(options).pipe(Layer.provideMerge(RequestBudget.layer))

/** From environment variables (see AwsConfig), with the SDK's standard credential chain. */
export const layerConfig = (
  options: AwsClients.MakeOptions = {}
): Layer.Layer<AwsRuntimeServices, ConfigError.ConfigError> => stack(options).pipe(Layer.provideMerge(AwsConfig.layerConfig))

/** With fixed settings over the defaults. */
export const layer = (
  overrides: Partial<AwsConfig.AwsConfigShape> = {},
  options: AwsClients.MakeOptions = {}
): Layer.Layer<AwsRuntimeServices> => stack(options).pipe(Layer.provideMerge(AwsConfig.layer(overrides)))
