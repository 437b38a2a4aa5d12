import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { z } from "zod";
import { alertRuleListSchema, alertRuleResponseSchema } from "#core/api/alerts";
import { conversationResponseSchema, eventPageSchema, eventResponseSchema } from "#core/api/events";
import { conversationIntentListSchema, intentListSchema, intentMatrixSchema } from "#core/api/intents";
import { issueListSchema, issueResponseSchema } from "#core/api/issues";
import { apiKeyListSchema, markerListSchema, projectResponseSchema, projectSettingsResponseSchema } from "#core/api/project";
import { customSignalResponseSchema, signalCatalogSchema, signalRatesResponseSchema } from "#core/api/signals";
import { seedAdminKey } from "../../shared/test/admin-key";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { ev, sig, store } from "./seed-events";

/**
 * The schemas in core/api are what the dashboard's client is typed from; the api only declares
 * its results with them and never validates a response at run time. Here real responses are
 * parsed with them: every declared field is there with its type, and (zod drops keys it does not
 * know, so the parse must equal the body) no field is sent that the schemas do not declare.
 */
const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 10, 12);
const window = "from=2026-11-04&to=2026-11-13";
let project: TestProject;
let admin: string;

beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	const p = project.projectId;
	await store([
		...CONTACT_REFUSALS.slice(0, 4).map((output, i) =>
			ev(p, `c${i}`, D0 + i * DAY, {
				user_id: `u${i}`,
				convo_id: `conv${i}`,
				model: i < 2 ? "model-a" : "model-b",
				properties: { prompt_version: i < 2 ? "v1" : "v2" },
				input: "Export my contacts",
				output,
			}),
		),
		ev(p, "weather", D0, {
			user_id: "u8",
			convo_id: "conv8",
			model: "model-a",
			input: "Will it rain in Paris tomorrow?",
			output: "Light showers are expected in Paris tomorrow afternoon.",
		}),
	]);
	await store([sig(p, "c0", "thumbs_down", { user_id: "u0", comment: "not what I asked" })]);
});

const get = async (path: string, key = project.readKey) => {
	const res = await SELF.fetch(`https://api.test${path}`, authed(key, undefined, { method: "GET" }));
	expect(res.status, path).toBe(200);
	return res.json();
};

/** The body parses with the schema and nothing is lost in the parse. */
function expectShape<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
	const parsed = schema.safeParse(body);
	expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
	expect(parsed.data).toEqual(body);
	return parsed.data as z.infer<T>;
}

describe("the api's responses match the schemas the dashboard is typed from", () => {
	it("issue list and issue detail", async () => {
		const list = expectShape(issueListSchema, await get(`/api/issues?${window}`));
		expect(list.data.length).toBeGreaterThan(0);
		const issue = expectShape(issueResponseSchema, await get(`/api/issues/${list.data[0]!.id}?${window}`));
		expect(issue.data.examples.length).toBeGreaterThan(0);
		expect(issue.data.history.length).toBeGreaterThan(0);
	});

	it("intents (turn and conversation level) and the intent matrix", async () => {
		const intents = expectShape(intentListSchema, await get(`/api/intents?${window}`));
		expect(intents.data.length).toBeGreaterThan(0);
		expectShape(conversationIntentListSchema, await get(`/api/intents?${window}&level=conversation`));
		expect(expectShape(intentMatrixSchema, await get(`/api/intents/matrix?${window}`)).data.length).toBeGreaterThan(0);
	});

	it("signals, their rates and custom signals", async () => {
		const catalog = expectShape(signalCatalogSchema, await get("/api/signals"));
		expect(catalog.data.map((s) => s.kind)).toEqual(expect.arrayContaining(["implicit", "explicit"]));
		expectShape(signalRatesResponseSchema, await get(`/api/signals/rates?${window}`));
		const created = await SELF.fetch(
			"https://api.test/api/custom-signals",
			authed(admin, { name: "pricing_question", field: "input", keywords: ["price"] }, { method: "POST" }),
		);
		expect(created.status).toBe(201);
		expectShape(customSignalResponseSchema, await created.json());
	});

	it("events list, event detail and conversation", async () => {
		const page = expectShape(eventPageSchema, await get(`/api/events?${window}`));
		expect(page.data.length).toBeGreaterThan(0);
		const event = expectShape(eventResponseSchema, await get("/api/events/c0"));
		expect(event.data.signals).toHaveLength(1);
		expect(event.data.detections.length).toBeGreaterThan(0);
		expect(expectShape(conversationResponseSchema, await get("/api/conversations/conv0")).data.events).toHaveLength(1);
	});

	it("project, markers, keys, settings and alert rules", async () => {
		expectShape(projectResponseSchema, await get("/api/project"));
		expect(expectShape(markerListSchema, await get(`/api/project/markers?${window}`)).data.length).toBeGreaterThan(0);
		expect(expectShape(apiKeyListSchema, await get("/api/project/keys", admin)).data.length).toBeGreaterThan(0);
		expectShape(projectSettingsResponseSchema, await get("/api/project/settings"));
		const rule = {
			name: "Refusals",
			kind: "threshold",
			filters: { models: ["model-a"] },
			threshold: { subject: { signal: "refusal" }, metric: "users", value: 3, window_minutes: 60 },
			destination: { type: "slack", url: "https://hooks.slack.com/services/T0/B0/x" },
		};
		const created = await SELF.fetch("https://api.test/api/alerts/rules", authed(admin, rule, { method: "POST" }));
		expect(created.status).toBe(201);
		expectShape(alertRuleResponseSchema, await created.json());
		expect(expectShape(alertRuleListSchema, await get("/api/alerts/rules")).data).toHaveLength(1);
	});
});
