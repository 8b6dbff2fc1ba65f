/**
 * Progress of reading a month's bill, for the CLI's one-line display: CUR
 * files checked one by one and then read in one DuckDB pass, or Cost
 * Explorer pages fetched (the accounts with cost first, then each account).
 */
import type { Effect } from "effect"

export type CostProgressEvent =
  /** The columns of CUR file `index` of `total` checked (format, required columns). */
  | { readonly _tag: "CurFile"; readonly index: number; readonly total: number; readonly file: string }
  /** The one SQL pass over every file started: `files` files under `path`. */
  | { readonly _tag: "CurQuery"; readonly path: string; readonly files: number }
  /**
   * One Cost Explorer query's pages answered: the accounts with cost
   * (`account` absent, `index` 0) or account `index` of `total`; `pages` sent,
   * or served from the read's cache (`cached`).
   */
  | { readonly _tag: "CostExplorerQuery"; readonly account?: string; readonly index: number; readonly total: number; readonly pages: number; readonly cached: boolean }

export type OnCostProgress = (event: CostProgressEvent) => Effect.Effect<void>
