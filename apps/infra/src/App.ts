/**
 * Builds the CDK app: one MiyabiStack per environment and region. Separate
 * from main.ts so tests build the same app into a temporary directory.
 */
import { App, type AppProps } from "aws-cdk-lib/core"
import { type EnvironmentName, resolveEnvironment } from "./config/Environments.js"
import { MiyabiStack, stackName } from "./MiyabiStack.js"

export interface MiyabiAppOptions {
  readonly repoRoot: string
  readonly webhookCodeDirectory: string
  readonly environments?: ReadonlyArray<EnvironmentName>
  readonly appProps?: AppProps
}

export const buildApp = (options: MiyabiAppOptions): { readonly app: App; readonly stacks: ReadonlyArray<MiyabiStack> } => {
  const app = new App({
    ...options.appProps,
    context: {
      // The service's count belongs to Application Auto Scaling: leave DesiredCount out of the
      // template, or every deploy would reset a scaled-out fleet to its minimum.
      "@aws-cdk/aws-ecs:removeDefaultDesiredCount": true,
      ...options.appProps?.context
    }
  })
  const stacks: Array<MiyabiStack> = []
  for (const name of options.environments ?? (["dev", "prod"] as const)) {
    const config = resolveEnvironment(name, (key) => app.node.tryGetContext(key))
    for (const region of config.regions) {
      const id = stackName(config, region)
      stacks.push(
        new MiyabiStack(app, id, {
          stackName: id,
          config,
          region,
          repoRoot: options.repoRoot,
          webhookCodeDirectory: options.webhookCodeDirectory,
          description: `Miyabi platform, ${config.name}, ${region}`
        })
      )
    }
  }
  return { app, stacks }
}
