/**
 * The build every library under packages/ shares: its public API
 * (src/index.ts) as ESM with declarations and source maps, dependencies
 * left external for the consumer's install. A package's `build` script
 * points tsup here (`tsup --config ../../tsup.package.ts`); apps use
 * tsup.app.ts instead.
 */
import { defineConfig } from "tsup"

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20"
})
