import { consumeBatch, type DetectBindings } from "./consume-batch";

export default {
	async fetch() {
		return new Response("barometer detect: queue consumer, no HTTP routes", { status: 404 });
	},
	async queue(batch, env) {
		await consumeBatch(batch, env);
	},
} satisfies ExportedHandler<DetectBindings>;
