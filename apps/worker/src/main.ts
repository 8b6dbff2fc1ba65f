import { runMain } from "./WorkerApp.js"

runMain(process.env)
