// `npm run demo [-- --url http://localhost:8787 --seed 42]`: loads a generated month of traffic from
// a fictional AI travel assistant into the running local instance (start it with `npm start`); without
// --url, the one `npm start` runs (see scripts/local-instance.mjs).
import { parseArgs } from "node:util";
import { loadDemo } from "../demo/load-demo";
import { requireInstance, resolveInstanceUrl } from "./local-instance.mjs";

const { values } = parseArgs({
	options: {
		url: { type: "string" },
		"write-key": { type: "string", default: "bm_write_localdev00000000000000000000" },
		"admin-key": { type: "string", default: "bm_admin_localdev00000000000000000000" },
		seed: { type: "string", default: "42" },
		users: { type: "string", default: "160" },
		days: { type: "string", default: "30" },
	},
});
const { url } = await resolveInstanceUrl({ url: values.url });
await requireInstance(url);
console.log(`Loading the demo into ${url}`);
const started = Date.now();
await loadDemo({
	url,
	writeKey: values["write-key"],
	adminKey: values["admin-key"],
	seed: Number(values.seed),
	users: Number(values.users),
	days: Number(values.days),
	log: console.log,
});
console.log(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s. Open ${url}/ to see what is going wrong.`);
