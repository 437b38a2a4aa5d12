import { describe, expect, it } from "vitest";
import { compareIssueListKeys, decodeIssueCursor, encodeIssueCursor, issueListPage } from "./issue-list-order";

const issue = (id: string, priority: number, last_seen: string | null = "2026-11-02T00:00:00.000Z") => ({ id, priority, last_seen });

describe("the issue list's pages", () => {
	const sorted = [issue("a", 9), issue("c", 5, "2026-11-03T00:00:00.000Z"), issue("b", 5), issue("d", 5), issue("e", 1), issue("f", 0, null)].sort(
		compareIssueListKeys,
	);

	it("orders by priority, then latest seen, then id: a total order", () => {
		expect(sorted.map((i) => i.id)).toEqual(["a", "c", "b", "d", "e", "f"]);
	});

	it("page 2 continues page 1 from its cursor, without duplicates or gaps, and the last page has no cursor", () => {
		const ids: string[] = [];
		let after: ReturnType<typeof decodeIssueCursor>;
		for (let n = 0; n < 10; n++) {
			const { page, next_cursor } = issueListPage(sorted, 2, after);
			ids.push(...page.map((i) => i.id));
			if (!next_cursor) break;
			after = decodeIssueCursor(next_cursor);
		}
		expect(ids).toEqual(sorted.map((i) => i.id));
	});

	it("starts past the cursor's issue even when that issue has left the list", () => {
		const gone = sorted.filter((i) => i.id !== "b");
		expect(issueListPage(gone, 10, issue("b", 5)).page.map((i) => i.id)).toEqual(["d", "e", "f"]);
	});

	it("reads back only its own cursors", () => {
		expect(decodeIssueCursor(encodeIssueCursor(issue("x", 1.5, null)))).toEqual({ id: "x", priority: 1.5, last_seen: null });
		for (const bad of ["nonsense", encodeIssueCursor(issue("x", 1)).slice(0, 5), btoa("[1,2]")]) expect(decodeIssueCursor(bad)).toBeUndefined();
	});
});
