/** Lambda functions: memory, timeout, architecture, package type. */
import { type FunctionConfiguration, LambdaClient, ListFunctionsCommand, type ListFunctionsCommandInput } from "@aws-sdk/client-lambda"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { LambdaFunctionDetails, type Resource } from "@miyabi/types"
import { Context, Effect, Layer } from "effect"
import { type InventoryTarget, makeResource, type ServiceInventory } from "./Inventory.js"

export const Lambda = ServiceDescriptor.make("lambda", (config) => new LambdaClient(config))

export interface LambdaInventoryShape {
  readonly functions: (target: InventoryTarget) => Effect.Effect<ReadonlyArray<Resource>, AwsError>
  readonly inventory: ServiceInventory
}

export class LambdaInventory extends Context.Tag("@miyabi/aws-agent/LambdaInventory")<LambdaInventory, LambdaInventoryShape>() {}

export const functionResource = (target: InventoryTarget, f: FunctionConfiguration): Resource => {
  const name = f.FunctionName ?? ""
  return makeResource({
    id: name,
    arn: f.FunctionArn ?? `arn:aws:lambda:${target.region}:${target.account}:function:${name}`,
    kind: "lambda-function",
    name,
    account: target.account,
    region: target.region,
    // ListFunctions omits State for functions created before 2021; they are active.
    state: f.State === "Pending" ? "pending" : f.State === "Failed" ? "unknown" : f.State === "Inactive" ? "stopped" : "running",
    // ListFunctions returns no tags (ListTags per function would); left empty.
    tags: {},
    dependencies: f.Role === undefined ? [] : [f.Role],
    details: LambdaFunctionDetails.make({
      ...(f.Runtime === undefined ? {} : { runtime: f.Runtime }),
      memoryMiB: Math.min(10_240, Math.max(128, f.MemorySize ?? 128)),
      timeoutSeconds: Math.max(1, f.Timeout ?? 3),
      architecture: (f.Architectures ?? []).includes("arm64") ? "arm64" : "x86_64",
      packageType: f.PackageType === "Image" ? "Image" : "Zip",
      ...(f.CodeSize === undefined ? {} : { codeSizeBytes: f.CodeSize })
    }, true)
  })
}

export const make: Effect.Effect<LambdaInventoryShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => {
  const functions = (target: InventoryTarget) =>
    aws
      .paginateAll(Lambda, target, (input: ListFunctionsCommandInput) => new ListFunctionsCommand(input), { MaxItems: 50 }, { inputToken: "Marker", outputToken: "NextMarker", items: "Functions" })
      .pipe(Effect.map((functions) => functions.map((f) => functionResource(target, f))))
  return { functions, inventory: { service: "lambda", scope: "regional", discover: functions } }
})

export const layer: Layer.Layer<LambdaInventory, never, AwsClients.AwsClients> = Layer.effect(LambdaInventory, make)
