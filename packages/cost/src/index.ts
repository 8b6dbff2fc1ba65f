/**
 * @miyabi/cost: the public API. Cost lines from CUR files (DuckDB), the
 * allocation engine, the fleet cost model, cost per task and budgets.
 * Import from "@miyabi/cost" only; internal paths are not part of the API.
 */
export { allocate, AllocationError } from "./Allocation.js"
export * as Apportion from "./Apportion.js"
export * as FleetModel from "./FleetModel.js"
export * as CostPerTask from "./CostPerTask.js"
export * as Budgets from "./Budgets.js"
export * as Report from "./Report.js"
export * as CurColumns from "./CurColumns.js"
export * as DuckDb from "./adapters/DuckDb.js"
export * as CurFiles from "./adapters/CurFiles.js"
export * as CurFixtures from "./testing/CurFixtures.js"
export * as CostExplorer from "./adapters/CostExplorer.js"
export * as ReportView from "./ReportView.js"
export * as HtmlReport from "./HtmlReport.js"
export * as CostReports from "./CostReports.js"
export type { CostProgressEvent, OnCostProgress } from "./CostProgress.js"
export * as Athena from "./adapters/Athena.js"
export * as CostReportTask from "./CostReportTask.js"
