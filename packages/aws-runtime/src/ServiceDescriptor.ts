/**
 * How to build the SDK v3 client of one AWS service. Adapter modules declare
 * one descriptor per service and hand it to `AwsClients`; nothing else about
 * a service is written by hand here (no per-command wrappers).
 *
 *   export const Ec2 = ServiceDescriptor.make("ec2", (config) => new EC2Client(config))
 */
import type { NodeHttpHandler } from "@smithy/node-http-handler"
import type { AwsCredentialIdentityProvider, CommandIO, MetadataBearer } from "@smithy/types"

/** The part of every SDK v3 client the runtime uses. */
export interface SdkClient {
  send<I extends object, O extends MetadataBearer>(command: CommandIO<I, O>, options: { abortSignal: AbortSignal }): Promise<O>
  destroy(): void
}

/**
 * What the runtime passes to a client constructor. No `endpoint`: the SDK
 * then honours AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL itself.
 * `maxAttempts: 1` turns the SDK's retries off, so our retry policy is the
 * only one and it is visible in the logs. `requestHandler` sends over the
 * layer's shared connections (ConnectionPool.ts).
 */
export interface SdkClientConfig {
  readonly region: string
  readonly credentials: AwsCredentialIdentityProvider
  readonly maxAttempts: 1
  readonly requestHandler: NodeHttpHandler
}

export interface ServiceDescriptor<C extends SdkClient = SdkClient> {
  /** The service's SDK id in lower case ("ec2", "sts", "cost-explorer"): names its budget and its logs. */
  readonly service: string
  readonly make: (config: SdkClientConfig) => C
}

export const make = <C extends SdkClient>(service: string, build: (config: SdkClientConfig) => C): ServiceDescriptor<C> => ({
  service,
  make: build
})

/** The input and output types of an SDK command. */
export type CommandInput<Cmd> = Cmd extends CommandIO<infer I, MetadataBearer> ? I : never
export type CommandOutput<Cmd> = Cmd extends CommandIO<object, infer O> ? O : never
