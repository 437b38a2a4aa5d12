import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { authed, countRows, seedProject, type TestProject } from "../../shared/test/seed-project";

let project: TestProject;
beforeEach(async () => {
	project = await seedProject();
});

const post = (path: string, body: unknown) => SELF.fetch(`https://ingest.test${path}`, authed(project.writeKey, body));
const setPrivacy = (privacy: unknown) => env.DB.prepare("UPDATE projects SET privacy = ? WHERE id = ?").bind(JSON.stringify(privacy), project.projectId).run();

const PII = {
	email: "jane.doe@example.com",
	phone: "+1 415-555-0132",
	card: "4111 1111 1111 1111",
	key: "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
	ip: "203.0.113.45",
	ssn: "123-45-6789",
};

/** Every row of every table that has a project_id column, as text: what a database reader would see. */
async function everythingStored(projectId: string): Promise<string> {
	const { results: tables } = await env.DB.prepare(
		"SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%project_id%' AND name NOT LIKE '\\_%' ESCAPE '\\'",
	).all<{ name: string }>();
	const dumps: string[] = [];
	for (const { name } of tables) {
		const { results } = await env.DB.prepare(`SELECT * FROM ${name} WHERE project_id = ?`).bind(projectId).all();
		dumps.push(`${name}: ${JSON.stringify(results)}`);
	}
	return dumps.join("\n");
}

async function sendEverywhere() {
	const event = {
		event_id: "pii_1",
		user_id: PII.email,
		convo_id: "c1",
		input: `My email is ${PII.email}, call ${PII.phone}. Card ${PII.card}. No, that's not what I asked, I said refund it!`,
		output: `I can't do that. Your key ${PII.key} was refused from ${PII.ip}.`,
		properties: { contact: PII.email, plan: "pro" },
		tool_calls: [{ name: "lookup_customer", input: { ssn: PII.ssn }, output: `found ${PII.phone}`, error: `timeout for ${PII.ip}` }],
		attachments: [{ type: "text", name: "note.txt", value: `card ${PII.card}` }],
	};
	expect((await post("/v1/events", { events: [event, { ...event, event_id: "pii_2", convo_id: "c2" }] })).status).toBe(202);
	expect((await post("/v1/signals", { signals: [{ event_id: "pii_1", signal: "thumbs_down", comment: `email me at ${PII.email}` }] })).status).toBe(202);
	expect((await post("/v1/users/identify", { user_id: PII.email, traits: { email: PII.email, phone: PII.phone, plan: "pro" } })).status).toBe(202);
	await vi.waitFor(
		async () => {
			expect(await countRows("events", project.projectId)).toBe(2);
			expect(await countRows("signals", project.projectId, "user_id IS NOT NULL")).toBe(1);
			expect(await countRows("users", project.projectId, "traits LIKE '%pro%'")).toBe(1);
		},
		{ timeout: 20_000, interval: 200 },
	);
}

describe("personal data is redacted before anything is queued or stored", () => {
	it("by default: no email, phone, card, API key, IP or SSN in any stored table, derived ones included", async () => {
		await sendEverywhere();
		const stored = await everythingStored(project.projectId);
		for (const [kind, value] of Object.entries(PII)) expect(stored, kind).not.toContain(value);
		expect(stored).not.toContain("jane.doe");
		const row = await env.DB.prepare("SELECT user_id, input, output FROM events WHERE project_id = ? AND event_id = 'pii_1'")
			.bind(project.projectId)
			.first<{ user_id: string; input: string; output: string }>();
		expect(row!.input).toContain("[EMAIL]");
		expect(row!.input).toContain("[CARD]");
		expect(row!.output).toContain("[API_KEY]");
		expect(row!.output).toContain("[IP]");
		// The e-mail user id became a keyed hash: one user, the same in events, signals and traits.
		expect(row!.user_id).toMatch(/^user:[0-9a-f]{16}$/);
		expect(await countRows("users", project.projectId)).toBe(1);
		expect(await countRows("signals", project.projectId, "user_id = ?", row!.user_id)).toBe(1);
		expect(await countRows("user_days", project.projectId, "user_id = ?", row!.user_id)).toBeGreaterThan(0);
		// Text without personal data is untouched.
		expect(row!.input).toContain("No, that's not what I asked, I said refund it!");
	});

	it("hash mode keeps a keyed hash, the same for the same value, so repeats can still be told apart", async () => {
		await setPrivacy({ mode: "hash", kinds: ["email", "phone", "card", "api_key", "ip", "national_id"] });
		await sendEverywhere();
		const stored = await everythingStored(project.projectId);
		for (const value of Object.values(PII)) expect(stored).not.toContain(value);
		const { results } = await env.DB.prepare("SELECT input FROM events WHERE project_id = ? ORDER BY event_id")
			.bind(project.projectId)
			.all<{ input: string }>();
		const tag = /\[EMAIL:[0-9a-f]{8}\]/.exec(results[0]!.input)?.[0];
		expect(tag).toBeDefined();
		expect(results[1]!.input).toContain(tag);
	});

	it("only the kinds the project chose are redacted", async () => {
		await setPrivacy({ mode: "redact", kinds: ["email"] });
		await sendEverywhere();
		const input = await env.DB.prepare("SELECT input FROM events WHERE project_id = ? AND event_id = 'pii_1'").bind(project.projectId).first<string>("input");
		expect(input).not.toContain(PII.email);
		expect(input).toContain(PII.card);
		expect(input).toContain(PII.phone);
	});

	it("off stores what was sent, verbatim", async () => {
		await setPrivacy({ mode: "off", kinds: ["email"] });
		await sendEverywhere();
		const row = await env.DB.prepare("SELECT user_id, input FROM events WHERE project_id = ? AND event_id = 'pii_1'")
			.bind(project.projectId)
			.first<{ user_id: string; input: string }>();
		expect(row!.user_id).toBe(PII.email);
		expect(row!.input).toContain(PII.card);
	});
});
