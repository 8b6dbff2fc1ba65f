import { defineConfig } from "tsup"
import { appBuild } from "../../tsup.app.js"

// The worker ships as one bundled ESM file (workspace packages and effect
// inside, from their sources); only the native SQLite addon stays external.
export default defineConfig(appBuild({ splitting: false }))
