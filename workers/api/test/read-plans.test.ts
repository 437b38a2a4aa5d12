import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "#db/schema";
import { eventListQuery } from "../src/reads/event-list-query";
import { CONVERSATION_INTENTS_SQL, INTENT_LIST_SQL, INTENT_MATRIX_SQL } from "../src/reads/intent-reads";
import { BASELINE_SQL, ISSUE_BREAKDOWN_SQL } from "../src/reads/issue-breakdowns";
import { ISSUE_BY_ID_SQL, ISSUE_EXAMPLES_SQL, ISSUE_SERIES_SQL, issueListQueries, TOP_INTENT_SAMPLE } from "../src/reads/issue-reads";
import { RELEASE_MARKERS_SQL } from "../src/reads/release-markers";
import { SIGNAL_RATES_SQL } from "../src/reads/signal-reads";
import { ACTIVE_USERS_SQL, LATEST_DAY_SQL } from "../src/reads/window-users";

const prefixed = (prefix: string, sql: Record<string, string>) => Object.fromEntries(Object.entries(sql).map(([k, v]) => [`${prefix}.${k}`, v]));

const DAY = 86_400_000;
const TODAY = 20_400;
const WINDOW = { fromDay: TODAY - 13, toDay: TODAY, limit: 50 };

async function plan(sql: string, binds: unknown[]): Promise<string> {
	const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
		.bind(...binds)
		.all<{ detail: string }>();
	return results.map((r) => r.detail).join("\n");
}

/** A full scan of a table that grows with events (an alias or the table's name), as opposed to a SEARCH by index. */
const TABLE_SCAN = /^SCAN (events|detections|issue_events|event_intents|signals|user_days|user_signal_days|e|ev|x|ie|ei|d|s|c|own)\b/m;

function hotQueries(): Record<string, { sql: string; binds: unknown[] }> {
	const list = issueListQueries("p", WINDOW);
	const filtered = issueListQueries("p", { ...WINDOW, model: "m", intent: "int_1", properties: { plan: "pro" } });
	const { window, ...perDay } = SIGNAL_RATES_SQL;
	const rateStatements = { ...perDay, ...prefixed("window.days", window.days), ...prefixed("window.last_active", window.last_active) };
	const rates = Object.fromEntries(
		Object.entries(rateStatements).map(([k, sql]) => [
			`rates.${k}`,
			{ sql: sql.replace("/*filter*/", ""), binds: k.endsWith("anyNegative") ? ["p", 1, 2, '["refusal"]'] : ["p", 1, 2] },
		]),
	);
	const matrix = { ...prefixed("days", INTENT_MATRIX_SQL.days), ...prefixed("last_active", INTENT_MATRIX_SQL.last_active) };
	const intents = { ...prefixed("days", INTENT_LIST_SQL.days), ...prefixed("last_active", INTENT_LIST_SQL.last_active) };
	const q = eventListQuery(drizzle(env.DB, { schema }), "p", { limit: 50, properties: [], from: 1, to: 2 } as never).toSQL();
	return {
		"issues.rows": list.rows,
		"issues.rows filtered": filtered.rows,
		"issues.daily": list.daily,
		"issues.intents": list.intents,
		"active.days": { sql: ACTIVE_USERS_SQL.days, binds: ["p", 1, 2] },
		"active.last_active": { sql: ACTIVE_USERS_SQL.last_active, binds: ["p", 1, 2] },
		"issue.counts": { sql: ISSUE_BY_ID_SQL, binds: ["p", "iss", 1, 2] },
		"issue.examples": { sql: ISSUE_EXAMPLES_SQL, binds: ["iss", "e1"] },
		"issue.daily": { sql: ISSUE_SERIES_SQL.daily, binds: ["iss", 1, 2] },
		"issue.hourly": { sql: ISSUE_SERIES_SQL.hourly, binds: ["iss", 1] },
		"issue.markers": { sql: RELEASE_MARKERS_SQL, binds: ["p", 1, 2] },
		...Object.fromEntries(Object.entries(ISSUE_BREAKDOWN_SQL).map(([k, sql]) => [`issue.breakdown.${k}`, { sql, binds: ["iss", 1, 2] }])),
		"issue.baseline": { sql: BASELINE_SQL, binds: ["p", 1, 2, "[]", "[]", "[]", "[]", 200] },
		...Object.fromEntries(
			Object.entries(matrix).map(([k, sql]) => [`matrix.${k}`, { sql, binds: k.endsWith("negativeUsers") ? ["p", 1, 2, "[]"] : ["p", 1, 2] }]),
		),
		...Object.fromEntries(Object.entries(intents).map(([k, sql]) => [`intents.${k}`, { sql, binds: ["p", 1, 2] }])),
		...rates,
		"window.latest": { sql: LATEST_DAY_SQL, binds: ["p"] },
		"intents.conversation": { sql: CONVERSATION_INTENTS_SQL, binds: ["p", 1, 2] },
		"events.list": { sql: q.sql, binds: q.params },
	};
}

describe("API read plans: index seeks and ranges, no scan of what grows with events", () => {
	it("no hot query scans events, detections, issue_events, event_intents or signals", async () => {
		for (const [name, { sql, binds }] of Object.entries(hotQueries())) {
			const p = await plan(sql, binds);
			expect(p, `${name}:\n${p}`).not.toMatch(TABLE_SCAN);
		}
	});

	it("uses the index each query was written for", async () => {
		const q = hotQueries();
		const uses = async (name: string, pattern: RegExp) => expect(await plan(q[name]!.sql, q[name]!.binds), name).toMatch(pattern);
		// Counts from the per-day aggregates only: no issue_events, events, signals or detections.
		await uses("issues.rows", /SEARCH d USING PRIMARY KEY \(issue_id=\?\)/);
		await uses("issues.rows", /SEARCH u USING PRIMARY KEY \(issue_id=\?\)/);
		await uses("issue.counts", /SEARCH u USING PRIMARY KEY \(issue_id=\?\)/);
		for (const name of ["issues.rows", "issue.counts"])
			expect(await plan(q[name]!.sql, q[name]!.binds), name).not.toMatch(/issue_events|\bevents\b|signals|detections/);
		await uses("issues.daily", /SEARCH d USING PRIMARY KEY \(issue_id=\? AND day>\? AND day<\?\)/);
		// The top intent: each issue's recent events in the window by its (issue, time) index, each
		// conversation's opening intent by a seek on the conversation.
		await uses("issues.intents", /issue_events_issue_time_idx \(issue_id=\? AND timestamp>\? AND timestamp<\?\)/);
		await uses("issues.intents", /SEARCH c USING INDEX events_project_convo_time_idx \(project_id=\? AND convo_id=\?\)/);
		await uses("issue.daily", /SEARCH issue_days USING PRIMARY KEY \(issue_id=\? AND day>\? AND day<\?\)/);
		await uses("issue.hourly", /issue_events_issue_time_idx \(issue_id=\? AND timestamp>\?\)/);
		// Examples: the issue's most recent events by time (a bounded range) and its central event by primary key.
		await uses("issue.examples", /SEARCH issue_events USING INDEX issue_events_issue_time_idx \(issue_id=\?\)/);
		await uses("issue.examples", /SEARCH x USING (PRIMARY KEY|INDEX sqlite_autoindex_issue_events_1) \(project_id=\? AND signal=\? AND event_id=\?\)/);
		// The baseline: each day's latest events by the (project, time) index, then seeks by key.
		await uses("issue.baseline", /SEARCH r USING (COVERING )?INDEX events_project_time_idx \(project_id=\? AND timestamp>\? AND timestamp<\?\)/);
		await uses("issue.baseline", /SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)/);
		await uses("issue.baseline", /SEARCH ei USING (PRIMARY KEY|INDEX sqlite_autoindex_event_intents_1) \(project_id=\? AND event_id=\?\)/);
		await uses("issue.baseline", /SEARCH tc USING (PRIMARY KEY|INDEX sqlite_autoindex_tool_calls_1) \(project_id=\? AND event_id=\?\)/);
		await uses("issue.breakdown.models", /issue_events_issue_time_idx \(issue_id=\? AND timestamp>\? AND timestamp<\?\)/);
		await uses("issue.markers", /SEARCH f USING INDEX first_seen_values_time_idx \(project_id=\? AND first_seen>\? AND first_seen<\?\)/);
		// The project's first sighting, once (not per row): the first entry of the same index.
		await uses("issue.markers", /^SCALAR SUBQUERY 1\nSEARCH s USING COVERING INDEX first_seen_values_time_idx \(project_id=\?\)/m);
		await uses("matrix.days.intentUsers", /COVERING INDEX event_intents_intent_idx \(intent_id=\? AND day>\? AND day<\?\)/);
		await uses("matrix.days.cells", /SEARCH intent_signal_days USING PRIMARY KEY \(project_id=\? AND day>\? AND day<\?\)/);
		await uses("matrix.days.negativeUsers", /SEARCH intent_signal_days USING PRIMARY KEY \(project_id=\? AND day>\? AND day<\?\)/);
		await uses("rates.window.days.anyNegative", /SEARCH user_signal_days USING PRIMARY KEY \(project_id=\? AND signal=\? AND day>\? AND day<\?\)/);
		// Last active: one row per (key, user) by primary key, never the day tables.
		await uses("matrix.last_active.intentUsers", /SEARCH l USING PRIMARY KEY \(project_id=\? AND intent_id=\?\)/);
		await uses("intents.last_active.rows", /SEARCH l USING PRIMARY KEY \(project_id=\? AND intent_id=\?\)/);
		await uses("matrix.last_active.cells", /SEARCH intent_signal_user_last_days USING PRIMARY KEY \(project_id=\?\)/);
		await uses("matrix.last_active.negativeUsers", /SEARCH intent_signal_user_last_days USING PRIMARY KEY \(project_id=\?\)/);
		await uses("rates.window.last_active.signals", /SEARCH signal_user_last_days USING PRIMARY KEY \(project_id=\?\)/);
		await uses("rates.window.last_active.anyNegative", /SEARCH signal_user_last_days USING PRIMARY KEY \(project_id=\? AND signal=\?\)/);
		await uses("rates.window.last_active.active", /SEARCH user_last_days USING PRIMARY KEY \(project_id=\?\)/);
		for (const name of Object.keys(q).filter((k) => k.includes("last_active")))
			expect(await plan(q[name]!.sql, q[name]!.binds), name).not.toMatch(/\b(user_days|user_signal_days|intent_signal_days)\b/);
		await uses("intents.conversation", /SEARCH e USING INDEX events_project_time_idx \(project_id=\? AND timestamp>\? AND timestamp<\?\)/);
		await uses("intents.conversation", /SEARCH ei USING PRIMARY KEY \(project_id=\? AND event_id=\?\)/);
		// The latest day: the last entry of each day index, not a scan.
		await uses("window.latest", /SEARCH user_days USING (COVERING INDEX|PRIMARY KEY) .*\(project_id=\?\)/);
		await uses("window.latest", /SEARCH user_signal_days USING (COVERING )?INDEX user_signal_days_day_idx \(project_id=\?\)/);
		await uses("rates.volume", /SEARCH event_days USING .*\(project_id=\? AND day>\? AND day<\?\)/);
		await uses("events.list", /SEARCH events USING INDEX events_project_time_idx \(project_id=\? AND timestamp>\? AND timestamp<\?\)/);
		for (const name of ["rates.volume", "issue.markers"]) expect(await plan(q[name]!.sql, q[name]!.binds)).not.toMatch(/\bevents\b(?!_)/);
	});
});

/** `n` events of one project over `days` days before TODAY: users, conversations of 4 turns, every 6th event flagged into one of `issues` issues. */
async function seed(project: string, n: number, opts: { days: number; issues: number; endDay?: number }) {
	const end = opts.endDay ?? TODAY;
	const stmts: D1PreparedStatement[] = [];
	const p = (sql: string, ...b: unknown[]) => stmts.push(env.DB.prepare(sql).bind(...b));
	for (let k = 0; k < opts.issues; k++) {
		p(
			"INSERT OR IGNORE INTO issues (id, project_id, signal, title, description, model, first_seen, last_seen, created_at) VALUES (?, ?, 'refusal', ?, '', 'm', 0, ?, 0)",
			`${project}_iss${k}`,
			project,
			`issue ${k}`,
			end * DAY,
		);
		p(
			"INSERT OR IGNORE INTO intents (id, project_id, name, description, model, created_at) VALUES (?, ?, ?, '', 'm', 0)",
			`${project}_int${k}`,
			project,
			`intent ${k}`,
		);
	}
	for (let i = 0; i < n; i++) {
		const ts = (end - (i % opts.days)) * DAY + (i % 1000) * 1000;
		const day = Math.floor(ts / DAY);
		const [id, user, convo] = [`${project}_e${i}`, `u${i % 200}`, `${project}_c${Math.floor(i / 4)}`];
		p(
			"INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, convo_id, event, model, input, output) VALUES (?, ?, ?, ?, ?, ?, 'chat', 'm', 'question', 'answer')",
			project,
			id,
			ts,
			ts,
			user,
			convo,
		);
		p("INSERT OR IGNORE INTO user_days (project_id, day, user_id) VALUES (?, ?, ?)", project, day, user);
		p(
			"INSERT INTO event_intents (project_id, event_id, intent_id, user_id, timestamp, day) VALUES (?, ?, ?, ?, ?, ?)",
			project,
			id,
			`${project}_int${i % opts.issues}`,
			user,
			ts,
			day,
		);
		if (i % 6 === 0) {
			p(
				"INSERT INTO detections (project_id, event_id, signal, score, stage, user_id, convo_id, timestamp) VALUES (?, ?, 'refusal', 1, 'rules', ?, ?, ?)",
				project,
				id,
				user,
				convo,
				ts,
			);
			p(
				"INSERT INTO issue_events (project_id, signal, event_id, issue_id, user_id, timestamp, day) VALUES (?, 'refusal', ?, ?, ?, ?, ?)",
				project,
				id,
				`${project}_iss${i % opts.issues}`,
				user,
				ts,
				day,
			);
		}
	}
	for (let i = 0; i < stmts.length; i += 400) await env.DB.batch(stmts.slice(i, i + 400));
}

async function rowsRead(): Promise<Record<string, number>> {
	const list = issueListQueries("pa", WINDOW);
	const statements: Record<string, [string, unknown[]]> = {
		"issues.rows": [list.rows.sql, list.rows.binds],
		"issues.daily": [list.daily.sql, list.daily.binds],
		"issues.intents": [list.intents.sql, list.intents.binds],
		"issue.counts": [ISSUE_BY_ID_SQL, ["pa", "pa_iss0", WINDOW.fromDay, WINDOW.toDay]],
		"issue.examples": [ISSUE_EXAMPLES_SQL, ["pa_iss0", "pa_e0"]],
		"issue.markers": [RELEASE_MARKERS_SQL, ["pa", WINDOW.fromDay * DAY, (WINDOW.toDay + 1) * DAY]],
		...Object.fromEntries(
			Object.entries(INTENT_MATRIX_SQL.days).map(([k, sql]) => [
				`matrix.${k}`,
				[sql, k === "negativeUsers" ? ["pa", WINDOW.fromDay, WINDOW.toDay, '["refusal"]'] : ["pa", WINDOW.fromDay, WINDOW.toDay]],
			]),
		),
		"rates.volume": [SIGNAL_RATES_SQL.volume, ["pa", WINDOW.fromDay, WINDOW.toDay]],
		"rates.windowAnyNegative": [SIGNAL_RATES_SQL.window.days.anyNegative, ["pa", WINDOW.fromDay, WINDOW.toDay, '["refusal"]']],
	};
	const out: Record<string, number> = {};
	for (const [name, [sql, binds]] of Object.entries(statements))
		out[name] =
			(
				await env.DB.prepare(sql)
					.bind(...binds)
					.all()
			).meta.rows_read ?? 0;
	return out;
}

describe("API reads at scale: rows read depend on the window and the issues shown, not on what else is stored", () => {
	beforeAll(async () => {
		await seed("pa", 1_200, { days: 14, issues: 10 });
	});

	it("rows read stay the same after 4,000 unrelated events: another project's and this project's older ones", async () => {
		const before = await rowsRead();
		// The issue list's counts read issue_days (10 issues x 14 days) and issue_user_days (one row
		// per issue, user and day: here each of the 200 issue events has its own) twice.
		expect(before["issues.rows"]).toBeLessThanOrEqual(2 * 140 + 2 * 200 + 20);
		// The top intent: about 12 rows per sampled issue event (here all 200: 20 per issue, under the sample of 50).
		expect(before["issues.intents"]).toBeLessThanOrEqual(200 * 13);
		expect(before["issue.markers"]).toBeLessThan(5);
		await seed("pb", 3_000, { days: 30, issues: 10 });
		// Older events of the same project, in their own conversations, with no issue.
		await seed("pa_old", 1_000, { days: 30, issues: 1, endDay: TODAY - 20 });
		await env.DB.prepare("UPDATE events SET project_id = 'pa' WHERE project_id = 'pa_old'").run();
		await env.DB.prepare("UPDATE event_intents SET project_id = 'pa', day = day WHERE project_id = 'pa_old'").run();
		const after = await rowsRead();
		// Only the row that ends each index range can change: it may now belong to another project or day.
		for (const [name, n] of Object.entries(after)) expect(n, name).toBeLessThanOrEqual(before[name]! + 5);
	});
});

describe("issue counts are bounded by issues, users and days, not by events", () => {
	beforeAll(async () => {
		await seed("pc", 600, { days: 14, issues: 5 });
	});

	it("the issue list and one issue read the same rows after 10x more events of the same users on the same days", async () => {
		const list = issueListQueries("pc", WINDOW);
		const read = async () => ({
			list: (
				await env.DB.prepare(list.rows.sql)
					.bind(...list.rows.binds)
					.all()
			).meta.rows_read,
			daily: (
				await env.DB.prepare(list.daily.sql)
					.bind(...list.daily.binds)
					.all()
			).meta.rows_read,
			issue: (await env.DB.prepare(ISSUE_BY_ID_SQL).bind("pc", "pc_iss0", WINDOW.fromDay, WINDOW.toDay).all()).meta.rows_read,
			intents: (
				await env.DB.prepare(list.intents.sql)
					.bind(...list.intents.binds)
					.all()
			).meta.rows_read,
		});
		const before = await read();
		const countsBefore = (
			await env.DB.prepare(list.rows.sql)
				.bind(...list.rows.binds)
				.all<{ id: string; events: number; users: number }>()
		).results;
		// 9 more flagged events for each of the 100 issue events: same issue, user and day.
		const extra: D1PreparedStatement[] = [];
		const { results: rows } = await env.DB.prepare("SELECT issue_id, user_id, day, timestamp FROM issue_events WHERE project_id = 'pc'").all<{
			issue_id: string;
			user_id: string;
			day: number;
			timestamp: number;
		}>();
		rows.forEach((r, k) => {
			for (let j = 1; j <= 9; j++) {
				const id = `pc_more${k}_${j}`;
				extra.push(
					env.DB.prepare(
						"INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, convo_id, event, model, input, output) VALUES ('pc', ?, ?, ?, ?, ?, 'chat', 'm', 'q', 'a')",
					).bind(id, r.timestamp + j, r.timestamp + j, r.user_id, `${id}_c`),
				);
				extra.push(
					env.DB.prepare(
						"INSERT INTO issue_events (project_id, signal, event_id, issue_id, user_id, timestamp, day) VALUES ('pc', 'refusal', ?, ?, ?, ?, ?)",
					).bind(id, r.issue_id, r.user_id, r.timestamp + j, r.day),
				);
			}
		});
		for (let i = 0; i < extra.length; i += 400) await env.DB.batch(extra.slice(i, i + 400));
		const after = await read();
		expect(after.list).toBe(before.list);
		expect(after.daily).toBe(before.daily);
		expect(after.issue).toBe(before.issue);
		// The top intent reads at most TOP_INTENT_SAMPLE recent events per issue, whatever the issue holds.
		expect(after.intents).toBeLessThanOrEqual(5 * TOP_INTENT_SAMPLE * 12);
		// ...and the counts took the new events in: 10x the events, the same users.
		const countsAfter = (
			await env.DB.prepare(list.rows.sql)
				.bind(...list.rows.binds)
				.all<{ id: string; events: number; users: number }>()
		).results;
		for (const c of countsBefore)
			expect(
				countsAfter.find((a) => a.id === c.id),
				c.id,
			).toMatchObject({ events: c.events * 10, users: c.users });
	});
});
