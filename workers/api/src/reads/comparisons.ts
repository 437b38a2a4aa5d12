import type { Context } from "hono";
import type { FieldError } from "#core/api-errors";
import type { z } from "zod";
import type { Comparison, IssueState, issueChangesSchema } from "#core/api/issues";
import { DAY_MS, parseTimeQuery } from "#core/timestamps";
import { compareProportions } from "#core/two-proportion-test";
import { ApiError } from "#shared/http/api-error";
import { dayWindow } from "../http/day-window";
import { intQuery } from "../http/query-params";

const PROPERTY_KEY = /^[A-Za-z0-9_.$-]{1,100}$/;

/** `a_from`, `a_to`, `b_from`, `b_to` as UTC day ranges. */
function ranges(c: Context): { a: [number, number]; b: [number, number] } | null {
	const names = ["a_from", "a_to", "b_from", "b_to"] as const;
	if (names.every((n) => c.req.query(n) === undefined)) return null;
	const errors: FieldError[] = [];
	const days = names.map((n) => {
		const raw = c.req.query(n);
		if (raw === undefined) {
			errors.push({ field: n, message: "is required: a date (2026-11-01), an ISO date-time or epoch milliseconds" });
			return 0;
		}
		const parsed = parseTimeQuery(raw);
		if ("problem" in parsed) {
			errors.push({ field: n, message: parsed.problem });
			return 0;
		}
		return Math.floor(parsed.ms / DAY_MS);
	});
	if (!errors.length && (days[0]! > days[1]! || days[2]! > days[3]!)) errors.push({ field: "a_from", message: "each range must start before it ends" });
	if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
	return { a: [days[0]!, days[1]!], b: [days[2]!, days[3]!] };
}

/** `by=model` or `by=property.<key>` with values `a` and `b`: which column of events to split on. */
function split(c: Context): { column: string; key?: string; a: string; b: string } | null {
	const by = c.req.query("by");
	if (by === undefined) return null;
	const a = c.req.query("a"),
		b = c.req.query("b");
	const errors: FieldError[] = [];
	let key: string | undefined;
	if (by !== "model") {
		key = by.startsWith("property.") ? by.slice("property.".length) : undefined;
		if (!key || !PROPERTY_KEY.test(key)) errors.push({ field: "by", message: "must be `model` or `property.<name>`" });
	}
	if (a === undefined) errors.push({ field: "a", message: "is required with `by`" });
	if (b === undefined) errors.push({ field: "b", message: "is required with `by`" });
	if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
	return { column: key ? `json_extract(e.properties, '$."${key}"')` : "e.model", key, a: a!, b: b! };
}

const count = (row: unknown) => (row as { n: number } | undefined)?.n ?? 0;

/**
 * Before / after for one issue: the share of active users the issue reached in two time ranges,
 * or among users on two models / property values (e.g. prompt versions), with a z-test.
 */
export async function compareIssue(c: Context, db: D1Database, projectId: string, issueId: string): Promise<Comparison> {
	const r = ranges(c);
	const s = r ? null : split(c);
	if (!r && !s)
		throw new ApiError(400, "invalid_query", "Compare two time ranges (a_from, a_to, b_from, b_to) or two values (by, a, b).", [
			{ field: "by", message: "give `by` with `a` and `b`, or the four range parameters" },
		]);
	if (r) {
		const side = (range: [number, number]) =>
			db.batch([
				db.prepare("SELECT count(DISTINCT user_id) AS n FROM issue_user_days WHERE issue_id = ? AND day BETWEEN ? AND ?").bind(issueId, ...range),
				db.prepare("SELECT count(DISTINCT user_id) AS n FROM user_days WHERE project_id = ? AND day BETWEEN ? AND ?").bind(projectId, ...range),
			]);
		const [[ia, ta], [ib, tb]] = await Promise.all([side(r.a), side(r.b)]);
		return { kind: "time", ...compareProportions(count(ia!.results[0]), count(ta!.results[0]), count(ib!.results[0]), count(tb!.results[0])) };
	}
	const { fromDay, toDay } = dayWindow(c, 30);
	const [from, to] = [fromDay * DAY_MS, (toDay + 1) * DAY_MS];
	const value = (v: string) => [v, Number.isFinite(Number(v)) && v.trim() !== "" ? Number(v) : v];
	const side = (v: string) =>
		db.batch([
			db
				.prepare(
					`SELECT count(DISTINCT ie.user_id) AS n FROM issue_events ie JOIN events e ON e.project_id = ie.project_id AND e.event_id = ie.event_id
					 WHERE ie.issue_id = ? AND e.timestamp >= ? AND e.timestamp < ? AND ${s!.column} IN (?, ?)`,
				)
				.bind(issueId, from, to, ...value(v)),
			db
				.prepare(
					`SELECT count(DISTINCT e.user_id) AS n FROM events e WHERE e.project_id = ? AND e.timestamp >= ? AND e.timestamp < ? AND ${s!.column} IN (?, ?)`,
				)
				.bind(projectId, from, to, ...value(v)),
		]);
	// The baseline: the issue's users and all active users in the same window, from the per-day aggregates.
	const [[ia, ta], [ib, tb], [issueUsers, activeUsers]] = await Promise.all([
		side(s!.a),
		side(s!.b),
		db.batch([
			db.prepare("SELECT count(DISTINCT user_id) AS n FROM issue_user_days WHERE issue_id = ? AND day BETWEEN ? AND ?").bind(issueId, fromDay, toDay),
			db.prepare("SELECT count(DISTINCT user_id) AS n FROM user_days WHERE project_id = ? AND day BETWEEN ? AND ?").bind(projectId, fromDay, toDay),
		]),
	]);
	const result = compareProportions(count(ia!.results[0]), count(ta!.results[0]), count(ib!.results[0]), count(tb!.results[0]));
	const withBaseline = sideBaseline(count(issueUsers!.results[0]), count(activeUsers!.results[0]));
	return {
		kind: s!.key ? `property.${s!.key}` : "model",
		a_value: s!.a,
		b_value: s!.b,
		...result,
		a: withBaseline(result.a),
		b: withBaseline(result.b),
		window: { from: new Date(fromDay * DAY_MS).toISOString().slice(0, 10), to: new Date(toDay * DAY_MS).toISOString().slice(0, 10) },
	};
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);

/** A compared value's share of the issue's users beside its share of all active users: is the issue over-represented on it? */
const sideBaseline =
	(issueUsers: number, activeUsers: number) =>
	<T extends { affected: number; total: number }>(side: T) => ({
		...side,
		baseline: { active_users: activeUsers, share: percent(side.total, activeUsers), issue_users: issueUsers, issue_share: percent(side.affected, issueUsers) },
	});

/** Before / after for a signal (implicit or explicit): share of active users with it in two time ranges. */
export async function compareSignal(c: Context, db: D1Database, projectId: string, signal: string): Promise<Comparison> {
	const r = ranges(c);
	if (!r) throw new ApiError(400, "invalid_query", "Give two time ranges: a_from, a_to, b_from, b_to.", [{ field: "a_from", message: "is required" }]);
	const side = (range: [number, number]) =>
		db.batch([
			db
				.prepare("SELECT count(DISTINCT user_id) AS n FROM user_signal_days WHERE project_id = ? AND signal = ? AND day BETWEEN ? AND ?")
				.bind(projectId, signal, ...range),
			db.prepare("SELECT count(DISTINCT user_id) AS n FROM user_days WHERE project_id = ? AND day BETWEEN ? AND ?").bind(projectId, ...range),
		]);
	const [[sa, ta], [sb, tb]] = await Promise.all([side(r.a), side(r.b)]);
	return { kind: "time", signal, ...compareProportions(count(sa!.results[0]), count(ta!.results[0]), count(sb!.results[0]), count(tb!.results[0])) };
}

const ORDERS = ["worse", "better", "change"] as const;

/**
 * Which issues rose or fell between two date ranges: each issue's distinct users in each range
 * (issue_user_days) as a share of that range's active users (user_days), with a z-test, the biggest
 * rise first. Answers "which issues got worse after the release" in one read.
 */
export async function issueChanges(c: Context, db: D1Database, projectId: string): Promise<z.infer<typeof issueChangesSchema>> {
	const errors: FieldError[] = [];
	// Every parameter's problem in one answer: the ranges' and the others'.
	const collect = <T>(parse: () => T): T | undefined => {
		try {
			return parse();
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			errors.push(...(e.details ?? []));
			return undefined;
		}
	};
	const r = collect(() => ranges(c));
	if (r === null) errors.push({ field: "a_from", message: "give two time ranges: a_from, a_to, b_from, b_to" });
	const order = c.req.query("order") ?? "worse";
	if (!(ORDERS as readonly string[]).includes(order)) errors.push({ field: "order", message: `must be one of ${ORDERS.join(", ")}` });
	const signal = c.req.query("signal");
	if (signal !== undefined && (signal.length < 1 || signal.length > 64)) errors.push({ field: "signal", message: "must be 1 to 64 characters" });
	const limit = collect(() => intQuery(c, "limit", { min: 1, max: 100, fallback: 20 })) ?? 20;
	if (errors.length || !r) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
	const [from, to] = [Math.min(r.a[0], r.b[0]), Math.max(r.a[1], r.b[1])];
	const active = (range: [number, number]) =>
		db.prepare("SELECT count(DISTINCT user_id) AS n FROM user_days WHERE project_id = ? AND day BETWEEN ? AND ?").bind(projectId, ...range);
	const [rows, ta, tb] = await db.batch([
		db
			.prepare(
				`SELECT i.id, i.title, i.signal, i.state,
					count(DISTINCT CASE WHEN u.day BETWEEN ?2 AND ?3 THEN u.user_id END) AS a_users,
					count(DISTINCT CASE WHEN u.day BETWEEN ?4 AND ?5 THEN u.user_id END) AS b_users
				 FROM issues i JOIN issue_user_days u ON u.issue_id = i.id AND u.day BETWEEN ?6 AND ?7
				 WHERE i.project_id = ?1 AND (?8 IS NULL OR i.signal = ?8)
				 GROUP BY i.id`,
			)
			.bind(projectId, ...r.a, ...r.b, from, to, signal ?? null),
		active(r.a),
		active(r.b),
	]);
	const [totalA, totalB] = [count(ta!.results[0]), count(tb!.results[0])];
	type Row = { id: string; title: string; signal: string; state: IssueState; a_users: number; b_users: number };
	const changes = (rows!.results as Row[])
		.filter((row) => row.a_users + row.b_users > 0)
		.map((row) => {
			const t = compareProportions(row.a_users, totalA, row.b_users, totalB);
			return {
				id: row.id,
				title: row.title,
				signal: row.signal,
				state: row.state,
				a: { users: row.a_users, rate: t.a.rate },
				b: { users: row.b_users, rate: t.b.rate },
				difference_pp: t.difference_pp,
				p_value: t.p_value,
				significant: t.significant,
			};
		});
	const key =
		order === "worse"
			? (x: { difference_pp: number }) => -x.difference_pp
			: order === "better"
				? (x: { difference_pp: number }) => x.difference_pp
				: (x: { difference_pp: number }) => -Math.abs(x.difference_pp);
	changes.sort((x, y) => key(x) - key(y) || y.b.users - x.b.users || x.id.localeCompare(y.id));
	const day = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);
	return {
		a: { from: day(r.a[0]), to: day(r.a[1]), active_users: totalA },
		b: { from: day(r.b[0]), to: day(r.b[1]), active_users: totalB },
		issues: changes.slice(0, limit),
		more: Math.max(0, changes.length - limit),
	};
}
