import { ALLOW_ALL_BAGGAGE_KEYS, BaggageSpanProcessor } from "@opentelemetry/baggage-span-processor";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { EMITTERS, type EmitterName } from "./emitters";

/**
 * One emitter's turn in a process of its own, as an app would run it (instrumentations patch the
 * `openai` module, so two of them never share a process):
 *   tsx test/emitters/emit.ts <emitter> <user> <convo> <question> --dump
 *     prints { expect, export } where export is the OTLP/JSON body the official serializer makes;
 *   tsx test/emitters/emit.ts <emitter> <user> <convo> <question> --url <base> --key <write key> [--protobuf] [--gzip]
 *     sends it to <base>/v1/traces through the official OTLP/HTTP exporter and batch processor, prints { expect }.
 */
const [name, user, convo, question, ...flags] = process.argv.slice(2);
const flag = (f: string) => {
	const i = flags.indexOf(f);
	return i >= 0 ? flags[i + 1] : undefined;
};
if (!name || !(name in EMITTERS) || !user || !convo || !question) {
	console.error(`usage: emit.ts <${Object.keys(EMITTERS).join("|")}> <user> <convo> <question> (--dump | --url URL --key KEY [--protobuf])`);
	process.exit(2);
}
const memory = new InMemorySpanExporter();
const url = flag("--url");
const Exporter = flags.includes("--protobuf") ? ProtoExporter : JsonExporter;
const processor = url
	? new BatchSpanProcessor(
			new Exporter({
				url: `${url}/v1/traces`,
				headers: { authorization: `Bearer ${flag("--key")}` },
				...(flags.includes("--gzip") ? { compression: CompressionAlgorithm.GZIP } : {}),
			}),
		)
	: new SimpleSpanProcessor(memory);
// The BaggageSpanProcessor copies W3C baggage onto spans (the apps that use baggage for the user add it).
const provider = new NodeTracerProvider({
	resource: resourceFromAttributes({ "service.name": `emitter-${name}` }),
	spanProcessors: [new BaggageSpanProcessor(ALLOW_ALL_BAGGAGE_KEYS), processor],
});
provider.register();
const emitted = await EMITTERS[name as EmitterName](provider, { user, convo, question });
await provider.forceFlush();
const out: Record<string, unknown> = { expect: emitted.expect };
if (!url) out.export = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(memory.getFinishedSpans())!));
await provider.shutdown();
process.stdout.write(`${JSON.stringify(out)}\n`);
