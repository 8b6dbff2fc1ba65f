/**
 * The real CLI on the process's argv, with Node's file system, path and
 * terminal. main.ts imports this module only when the startup snapshot does
 * not answer, so that the root `--help` and `--version` load none of it.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { Effect, Layer } from "effect"
import { runCli, runMain } from "../Cli.js"

/** Runs `miyabi` on `argv` (process.argv shape) as the main program; sets the exit code. */
export const runLiveCli = (argv: ReadonlyArray<string>): void =>
  runMain(runCli(argv).pipe(Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer))))
