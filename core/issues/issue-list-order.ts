import { fromBase64Url, toBase64Url } from "../cursors";

/** What orders the issue list: priority first, then the latest seen, then the id, so the order is total. */
export interface IssueListKey {
	id: string;
	priority: number;
	last_seen: string | null;
}

/** The list's order: highest priority first, ties by the latest seen, then by id (no two issues tie). */
export const compareIssueListKeys = (a: IssueListKey, b: IssueListKey) =>
	b.priority - a.priority || (b.last_seen ?? "").localeCompare(a.last_seen ?? "") || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** A cursor for the issue after `last`: its key, so the next page starts past it even if issues were added between. */
export const encodeIssueCursor = (last: IssueListKey) => toBase64Url(JSON.stringify([last.priority, last.last_seen, last.id]));

export function decodeIssueCursor(value: string): IssueListKey | undefined {
	try {
		const parsed: unknown = JSON.parse(fromBase64Url(value));
		if (
			Array.isArray(parsed) &&
			parsed.length === 3 &&
			Number.isFinite(parsed[0]) &&
			(parsed[1] === null || typeof parsed[1] === "string") &&
			typeof parsed[2] === "string"
		)
			return { priority: parsed[0], last_seen: parsed[1], id: parsed[2] };
	} catch {
		// a malformed cursor is reported by the caller
	}
	return undefined;
}

/** One page of the ordered list: the issues after `after` (keyset, not an offset), and the cursor past the page while more remain. */
export function issueListPage<T extends IssueListKey>(sorted: T[], limit: number, after?: IssueListKey): { page: T[]; next_cursor: string | null } {
	const start = after ? sorted.findIndex((i) => compareIssueListKeys(i, after) > 0) : 0;
	const rest = start < 0 ? [] : sorted.slice(start);
	const page = rest.slice(0, limit);
	return { page, next_cursor: rest.length > limit ? encodeIssueCursor(page.at(-1)!) : null };
}
