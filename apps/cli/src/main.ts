import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect } from "effect"
import { runCli, runMain } from "./Cli.js"

runMain(runCli(process.argv).pipe(Effect.provide(NodeContext.layer)))
