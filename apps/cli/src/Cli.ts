/**
 * The `miyabi` command: the root with its command groups, the top-level
 * error policy and the process exit code.
 *
 * A new command group is a module `commands/<area>/<Area>Command.ts`
 * exporting one `Command`, added to the list below (one per line, in the
 * order `miyabi --help` lists them). The root help is recorded at build time
 * from this tree (startup/StartupSnapshot.ts): nothing to update by hand.
 */
import * as Command from "@effect/cli/Command"
import type { CliApp } from "@effect/cli/CliApp"
import { Cause, Effect, Exit } from "effect"
import packageJson from "../package.json" with { type: "json" }
import { demoCommand } from "./commands/demo/DemoCommand.js"
import { tasksCommand } from "./commands/tasks/TasksCommand.js"
import { workerCommand } from "./commands/worker/WorkerCommand.js"
import { intakeCommand } from "./commands/intake/IntakeCommand.js"
import { kpiCommand } from "./commands/kpi/KpiCommand.js"
import { sandboxCommand } from "./commands/sandbox/SandboxCommand.js"
import { scaleCommand } from "./commands/scale/ScaleCommand.js"
import { orgCommand } from "./commands/org/OrgCommand.js"
import { accountsCommand } from "./commands/accounts/AccountsCommand.js"
import { tenantsCommand } from "./commands/tenants/TenantsCommand.js"
import { costCommand } from "./commands/cost/CostCommand.js"
import { discoverCommand } from "./commands/discover/DiscoverCommand.js"
import { worldCommand } from "./commands/world/WorldCommand.js"
import { pricingCommand } from "./commands/pricing/PricingCommand.js"
import { deployCommand, optimizeCommand, planCommand } from "./commands/cycle/CycleCommand.js"
import { cycleCommand, learnCommand, monitorCommand } from "./commands/cycle/AgentCycleCommand.js"
import { miyabi } from "./Global.js"
import { QueueStore } from "./QueueStore.js"
import { renderCause } from "./render/Errors.js"
import { cliLogs } from "./commands/discover/CommandLogs.js"

export const rootCommand = miyabi.pipe(
  Command.withDescription("Miyabi AWS Platform: a fleet of autonomous agents on AWS that looks after AWS itself."),
  Command.withSubcommands([
    tasksCommand,
    workerCommand,
    demoCommand,
    sandboxCommand,
    scaleCommand,
    intakeCommand,
    kpiCommand,
    orgCommand,
    accountsCommand,
    tenantsCommand,
    costCommand,
    discoverCommand,
    worldCommand,
    pricingCommand,
    planCommand,
    optimizeCommand,
    deployCommand,
    monitorCommand,
    learnCommand,
    cycleCommand,
  ])
)

export const cli = Command.run(rootCommand, { name: "miyabi", version: packageJson.version })

/**
 * Runs the CLI on `argv` (process.argv shape) and returns the exit code;
 * failures are rendered on stderr here and never escape.
 */
export const runCli = (argv: ReadonlyArray<string>): Effect.Effect<number, never, CliApp.Environment> =>
  cli(argv).pipe(
    Effect.provide(QueueStore.live),
    // Library logs (an AWS retry, a skipped cache) on stderr: stdout is the command's result.
    Effect.provide(cliLogs),
    Effect.as(0),
    Effect.catchAllCause((cause) => {
      const rendered = renderCause(cause, { debug: process.env["MIYABI_DEBUG"] === "1" })
      return Effect.sync(() => {
        if (rendered.text !== "") process.stderr.write(rendered.text)
        return rendered.exitCode
      })
    })
  )

/**
 * Runs the CLI as the process's main program and sets its exit code.
 *
 * Not NodeRuntime.runMain: that one interrupts the program on SIGTERM and
 * SIGINT, while `miyabi worker run` must drain on them (its runtime listens
 * for the signals itself). Other commands keep Node's default: a signal ends
 * the process.
 */
export const runMain = (program: Effect.Effect<number>): void => {
  // Fibers waiting on a Deferred hold no handle; keep the process alive until the program ends.
  const keepAlive = setInterval(() => undefined, 2 ** 31 - 1)
  Effect.runFork(program).addObserver((exit) => {
    clearInterval(keepAlive)
    process.exitCode = Exit.isSuccess(exit) ? exit.value : Cause.isInterruptedOnly(exit.cause) ? 0 : 1
  })
}
