/**
 * @miyabi/aws-runtime: the public API of how the platform talks to AWS.
 * Import from "@miyabi/aws-runtime" only; internal paths are not part of the API.
 *
 *   AwsClients.call(descriptor, { account, region }, new XCommand(input))
 *   AwsClients.paginate(descriptor, target, (input) => new ListXCommand(input), input, keys)      // Stream of items
 *   AwsClients.paginateAll(descriptor, target, (input) => new ListXCommand(input), input, keys)   // every item, one array
 *   AwsRuntime.layerConfig  // the whole stack from environment variables
 */
export * as AwsConfig from "./AwsConfig.js"
export * from "./AwsError.js"
export * as AwsClients from "./AwsClients.js"
export type { AwsTarget, CallerIdentity, CallOptions, AwsClientsShape } from "./AwsClients.js"
export * as RequestBudget from "./RequestBudget.js"
export * as RateLimits from "./RateLimits.js"
export * as RetryPolicy from "./RetryPolicy.js"
export * as ServiceDescriptor from "./ServiceDescriptor.js"
export type { SdkClient, SdkClientConfig, CommandInput, CommandOutput } from "./ServiceDescriptor.js"
export { collectPages, paginate, type PageKeys, type ItemOf } from "./Paginate.js"
export * as AwsRuntime from "./AwsRuntime.js"
