import { resolve } from "node:path";
import { detectConsumer, workerProject } from "../../test/worker-project.ts";

// The detect worker runs beside the api: search by meaning embeds with its sentence encoder over
// RPC. Tests also run the detect worker's code here to seed events, so they get its model files too.
export default workerProject("api", {
	workers: [detectConsumer],
	assets: { directory: resolve("models/use-lite"), binding: "USE_LITE_ASSETS", routerConfig: { invoke_user_worker_ahead_of_assets: true } },
});
