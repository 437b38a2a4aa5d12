import { describe, expect, it } from "vitest";
import { MIN_RANKED_USERS, rankAgainstBaseline } from "./breakdown-baseline";

describe("breakdown values against the baseline", () => {
	const baseline: Record<string, number> = { big: 90, rare: 5, tiny: 1 };
	const rows = [
		{ value: "big", users: 40 },
		{ value: "rare", users: 10 },
	];

	it("gives each value its share of the issue's users and of all users, in percent to one decimal", () => {
		const out = rankAgainstBaseline(rows, (r) => baseline[r.value]!, { issueUsers: 40, baselineUsers: 100 });
		expect(out.find((r) => r.value === "big")).toMatchObject({ users: 40, share: 100, baseline_users: 90, baseline_share: 90 });
		expect(out.find((r) => r.value === "rare")).toMatchObject({ users: 10, share: 25, baseline_users: 5, baseline_share: 5 });
	});

	it("orders an over-represented value before a more frequent one that is as common everywhere", () => {
		const out = rankAgainstBaseline(rows, (r) => baseline[r.value]!, { issueUsers: 40, baselineUsers: 100 });
		// big: 100 % vs 90 % (+10 points); rare: 25 % vs 5 % (+20 points).
		expect(out.map((r) => r.value)).toEqual(["rare", "big"]);
	});

	it("ranks values under MIN_RANKED_USERS users after the rest, however over-represented", () => {
		const withTiny = [...rows, { value: "tiny", users: MIN_RANKED_USERS - 1 }];
		const out = rankAgainstBaseline(withTiny, (r) => baseline[r.value]!, { issueUsers: 40, baselineUsers: 1000 });
		expect(out.map((r) => r.value)).toEqual(["big", "rare", "tiny"]);
	});

	it("lowers the floor to the issue's own user count when it has fewer users", () => {
		const out = rankAgainstBaseline(
			[
				{ value: "odd", users: 1 },
				{ value: "common", users: 2 },
				{ value: "unusual", users: 2 },
			],
			(r) => ({ odd: 1, common: 100, unusual: 10 })[r.value]!,
			{ issueUsers: 2, baselineUsers: 100 },
		);
		// Both 2-user values are ranked (unusual: 100 % vs 10 %, common: 100 % vs 100 %); odd (50 % vs 1 %) is one user of two.
		expect(out.map((r) => r.value)).toEqual(["unusual", "common", "odd"]);
	});

	it("reads empty totals as 0 %, not NaN", () => {
		const [row] = rankAgainstBaseline([{ value: "x", users: 0 }], () => 0, { issueUsers: 0, baselineUsers: 0 });
		expect(row).toMatchObject({ share: 0, baseline_share: 0 });
	});
});
