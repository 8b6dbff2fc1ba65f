import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { buildApp } from "./App.js"

// Built to dist/main.js: the package root is one level up, the repository root three.
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
buildApp({ repoRoot: path.resolve(packageRoot, "../.."), webhookCodeDirectory: path.join(packageRoot, "dist", "webhook") }).app.synth()
