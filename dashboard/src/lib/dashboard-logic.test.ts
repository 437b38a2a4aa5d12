import { describe, expect, it } from "vitest";
import type { EventListItem } from "#core/api/events";
import { decodeCursor } from "#core/event-query";
import { createApiClient, eventQueryString } from "./api-client";
import { mergeNewest } from "./event-stream";
import { relativeTime, signalTone, truncate } from "./format";
import { highlightSpans } from "./highlight";
import { matchRoute, pathFor } from "./routes";
import { keyFromFragment, loadSession, saveSession } from "./session";

const item = (id: string, ts: string): EventListItem =>
	({ event_id: id, timestamp: ts, signals: [], properties: {}, attachments: [] }) as unknown as EventListItem;

describe("routes", () => {
	it("match pages and decode parameters", () => {
		expect(matchRoute("/")).toEqual({ name: "overview", params: {} });
		expect(matchRoute("/events")).toEqual({ name: "events", params: {} });
		expect(matchRoute("/issues/iss_1")).toEqual({ name: "issue", params: { id: "iss_1" } });
		expect(matchRoute("/events/evt%2F1")).toEqual({ name: "event", params: { id: "evt/1" } });
		expect(matchRoute("/conversations/c1/")).toEqual({ name: "conversation", params: { id: "c1" } });
		expect(matchRoute("/nope/x")).toEqual({ name: "notFound", params: {} });
		expect(pathFor("event", { id: "a b" })).toBe("/events/a%20b");
	});
});

describe("mergeNewest", () => {
	it("adds new events on top without duplicates and replaces updated rows", () => {
		const current = [item("b", "2026-01-01T00:00:02Z"), item("a", "2026-01-01T00:00:01Z")];
		const updatedB = { ...item("b", "2026-01-01T00:00:02Z"), signals: [{ signal: "copy" }] } as unknown as EventListItem;
		const { events, added } = mergeNewest(current, [item("c", "2026-01-01T00:00:03Z"), updatedB], 10);
		expect(events.map((e) => e.event_id)).toEqual(["c", "b", "a"]);
		expect(events[1]!.signals).toHaveLength(1);
		expect(added).toBe(1);
		expect(mergeNewest(events, [], 2).events.map((e) => e.event_id)).toEqual(["c", "b"]);
	});

	it("when it drops the oldest rows, gives the cursor after the last row kept, so loading older leaves no gap", () => {
		const current = [item("b", "2026-01-01T00:00:02.500Z"), item("a", "2026-01-01T00:00:01Z")];
		expect(mergeNewest(current, [], 5).after).toBeUndefined();
		const { events, after } = mergeNewest(current, [item("c", "2026-01-01T00:00:03Z")], 2);
		expect(events.map((e) => e.event_id)).toEqual(["c", "b"]);
		expect(decodeCursor(after!)).toEqual({ timestamp: Date.UTC(2026, 0, 1, 0, 0, 2, 500), eventId: "b" });
	});
});

describe("api client", () => {
	it("builds query strings with property filters and skips empty values", () => {
		expect(eventQueryString({ user_id: "u 1", q: "", properties: { plan: "pro" }, limit: 5 })).toBe("?user_id=u+1&limit=5&property.plan=pro");
		expect(eventQueryString({})).toBe("");
	});

	it("sends the key as a bearer header and turns the error shape into an ApiClientError", async () => {
		const calls: [string, RequestInit | undefined][] = [];
		const fakeFetch = (async (url: URL, init?: RequestInit) => {
			calls.push([String(url), init]);
			return new Response(JSON.stringify({ error: { code: "wrong_key_kind", message: "nope" } }), { status: 403 });
		}) as unknown as typeof fetch;
		const api = createApiClient({ baseUrl: "http://localhost:8787", key: "bm_read_x", fetch: fakeFetch });
		await expect(api.getEvent("e/1")).rejects.toMatchObject({ status: 403, code: "wrong_key_kind", message: "nope" });
		expect(calls[0]![0]).toBe("http://localhost:8787/api/events/e%2F1");
		expect((calls[0]![1]!.headers as Record<string, string>).authorization).toBe("Bearer bm_read_x");
	});
});

describe("session", () => {
	it("saves, loads and clears the session, ignoring corrupt storage", () => {
		const store = new Map<string, string>();
		const storage = {
			getItem: (k: string) => store.get(k) ?? null,
			setItem: (k: string, v: string) => void store.set(k, v),
			removeItem: (k: string) => void store.delete(k),
		};
		saveSession(storage, { key: "bm_read_a", baseUrl: "http://x" });
		expect(loadSession(storage)).toEqual({ key: "bm_read_a", baseUrl: "http://x" });
		saveSession(storage, null);
		expect(loadSession(storage)).toBeNull();
		store.set("barometer.session", "{oops");
		expect(loadSession(storage)).toBeNull();
	});

	it("accepts read and admin keys from the URL fragment, never write keys", () => {
		expect(keyFromFragment("#key=bm_read_abc123")).toBe("bm_read_abc123");
		expect(keyFromFragment("#key=bm_admin_abc123")).toBe("bm_admin_abc123");
		expect(keyFromFragment("#key=bm_write_abc123")).toBeNull();
		expect(keyFromFragment("")).toBeNull();
	});
});

describe("format", () => {
	it("describes times relative to now", () => {
		const now = Date.UTC(2026, 0, 1, 12);
		expect(relativeTime(new Date(now - 2000).toISOString(), now)).toBe("just now");
		expect(relativeTime(new Date(now - 3 * 60_000).toISOString(), now)).toBe("3 minutes ago");
		expect(relativeTime(null, now)).toBe("—");
	});

	it("truncates flattened text and tells good signals from bad", () => {
		expect(truncate("a\n\n b   c", 10)).toBe("a b c");
		expect(truncate("abcdefghijkl", 5)).toBe("abcd…");
		expect(signalTone("copy")).toBe("positive");
		expect(signalTone("thumbs_down")).toBe("negative");
		expect(signalTone("custom:too_long")).toBe("neutral");
	});
});

describe("highlightSpans", () => {
	it("marks evidence spans, merging overlaps and clamping to the text", () => {
		expect(highlightSpans("I'm sorry, but I can't do that.", [{ start: 15, end: 22, label: "refusal" }])).toEqual([
			{ text: "I'm sorry, but " },
			{ text: "I can't", label: "refusal" },
			{ text: " do that." },
		]);
		expect(
			highlightSpans("abcdef", [
				{ start: 1, end: 4, label: "a" },
				{ start: 2, end: 9, label: "b" },
			]),
		).toEqual([{ text: "a" }, { text: "bcd", label: "a" }, { text: "ef", label: "b" }]);
		expect(highlightSpans("abc", [])).toEqual([{ text: "abc" }]);
	});
});
