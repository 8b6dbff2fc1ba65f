/**
 * Kept only for plan/OrgDiff.ts, which imports these two names from here:
 * point it at PolicyJson.js and @miyabi/types (`jsonToPlain`) and delete
 * this file. The parser itself is @miyabi/types' `parseJsonPositions`.
 */
export { parsePolicyJson as parseJson } from "./PolicyJson.js"
export { jsonToPlain as toPlain } from "@miyabi/types"
