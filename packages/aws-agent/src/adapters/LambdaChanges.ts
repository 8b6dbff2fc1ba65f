/** Lambda changes θ4 applies: the memory size, and the read of a function (with its tags) before and after. */
import { GetFunctionConfigurationCommand, ListTagsCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda"
import { type AwsError, AwsClients } from "@miyabi/aws-runtime"
import { Resource } from "@miyabi/types"
import { Context, Effect, Layer, Option } from "effect"
import type { InventoryTarget } from "./Inventory.js"
import { functionResource, Lambda } from "./LambdaInventory.js"


export interface LambdaChangesShape {
  /** The function as it is now, with its tags (protection is decided on them); none when it does not exist. */
  readonly function: (target: InventoryTarget, name: string) => Effect.Effect<Option.Option<Resource>, AwsError>
  readonly setMemory: (target: InventoryTarget, name: string, memoryMiB: number) => Effect.Effect<void, AwsError>
}

export class LambdaChanges extends Context.Tag("@miyabi/aws-agent/LambdaChanges")<LambdaChanges, LambdaChangesShape>() {}

export const make: Effect.Effect<LambdaChangesShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => ({
  function: (target, name) =>
    Effect.gen(function* () {
      const config = yield* aws.call(Lambda, target, new GetFunctionConfigurationCommand({ FunctionName: name }))
      const resource = functionResource(target, config)
      // GetFunctionConfiguration carries no tags; ListTags does, by ARN.
      const tags = yield* aws.call(Lambda, target, new ListTagsCommand({ Resource: resource.arn }))
      return Option.some(Resource.make({ ...resource, tags: tags.Tags ?? {} }, true))
    }).pipe(
      Effect.catchIf((e) => e.reason === "NotFound", () => Effect.succeed(Option.none())),
      Effect.withSpan("LambdaChanges.function")
    ),
  setMemory: (target, name, memoryMiB) =>
    Effect.asVoid(aws.call(Lambda, target, new UpdateFunctionConfigurationCommand({ FunctionName: name, MemorySize: memoryMiB }))).pipe(
      Effect.withSpan("LambdaChanges.setMemory")
    )
}))

export const layer: Layer.Layer<LambdaChanges, never, AwsClients.AwsClients> = Layer.effect(LambdaChanges, make)
