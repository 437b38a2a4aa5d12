import { consumeBatch } from "./consume-batch";

/** Bindings are the generated DetectEnv (worker-configuration.d.ts); consumeBatch needs a subset. */
const handler: ExportedHandler<DetectEnv> = {
	async fetch() {
		return new Response("barometer detect: queue consumer, no HTTP routes", { status: 404 });
	},
	async queue(batch, env) {
		await consumeBatch(batch, env);
	},
};

export default handler;
