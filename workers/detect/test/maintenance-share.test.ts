import { describe, expect, it } from "vitest";
import { GROUPS_PER_PASS, nextShare } from "../src/issues/issue-maintenance";

const groups = (n: number) => Array.from({ length: n }, (_, i) => ({ project_id: `prj_${String(i).padStart(3, "0")}` }));
const key = (g: { project_id: string }) => g.project_id;

describe("maintenance does a bounded share of the groups per pass", () => {
	it(`takes at most ${GROUPS_PER_PASS} groups a pass and goes on after the last one done, wrapping around`, () => {
		const all = groups(45);
		const seen: string[] = [];
		const deferred: number[] = [];
		for (let pass = 0; pass < 3; pass++) {
			const { share, deferred: left } = nextShare(all, key, "intents");
			expect(share.length).toBeLessThanOrEqual(GROUPS_PER_PASS);
			seen.push(...share.map(key));
			deferred.push(left);
		}
		// Round robin over the 45: the third pass finishes the round (040-044) and begins the next one.
		expect(seen).toEqual([...all, ...all.slice(0, 15)].map(key));
		expect(deferred).toEqual([25, 25, 25]);
		expect(nextShare(all, key, "intents").share[0]).toEqual(all[15]);
	});

	it("takes every group when there are few, and a group that appeared before the cursor is reached on the next round", () => {
		expect(nextShare(groups(3), key, "merges")).toEqual({ share: groups(3), deferred: 0 });
		const first = nextShare(groups(30), key, "issues");
		expect(first.share.map(key).at(-1)).toBe("prj_019");
		const withNew = [...groups(30), { project_id: "prj_000a" }];
		const second = nextShare(withNew, key, "issues");
		expect(second.share.map(key)).toEqual([...groups(30).slice(20).map(key), "prj_000", "prj_000a", ...groups(30).slice(1, 9).map(key)]);
	});
});
