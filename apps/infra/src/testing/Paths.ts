/** Where this package and the repository are, for tests (no aws-cdk-lib import here). */
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
export const repoRoot = path.resolve(packageRoot, "../..")
export const webhookCodeDirectory = path.join(packageRoot, "dist", "webhook")
