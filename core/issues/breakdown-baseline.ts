/**
 * A breakdown value reached by at least this many of the issue's users is ranked by how
 * over-represented it is before any value with fewer: with one or two users every share is 50 % or
 * 100 %, and that noise would otherwise top the list.
 */
export const MIN_RANKED_USERS = 3;

export interface BaselineShares {
	/** Percent of the issue's users (in its sample) who had the value. */
	share: number;
	/** Users in the baseline sample (all of the project's traffic in the window) who had the value. */
	baseline_users: number;
	/** Percent of the baseline sample's users who had the value. */
	baseline_share: number;
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);

/**
 * Puts each value's share of the issue's users beside its share of all users, and orders the values
 * by over-representation: issue share minus baseline share, in percentage points. The difference
 * rather than the ratio (lift): a ratio explodes for rare values (one user of a value 0.5 % of
 * traffic is a 40× lift in a 5-user issue) and ranks a value that explains a sliver of the issue
 * above one that explains all of it; the difference is bounded, and large only when the value is
 * both common in the issue and uncommon elsewhere. Values under MIN_RANKED_USERS (or under the
 * issue's own user count, when it has fewer) go after the rest; ties fall back to users.
 */
export function rankAgainstBaseline<T extends { users: number }>(
	rows: T[],
	baselineUsers: (row: T) => number,
	totals: { issueUsers: number; baselineUsers: number },
): (T & BaselineShares)[] {
	const floor = Math.min(MIN_RANKED_USERS, Math.max(totals.issueUsers, 1));
	const ranked = rows.map((r) => {
		const baseline = baselineUsers(r);
		return { ...r, share: percent(r.users, totals.issueUsers), baseline_users: baseline, baseline_share: percent(baseline, totals.baselineUsers) };
	});
	const over = (r: BaselineShares) => r.share - r.baseline_share;
	return ranked.sort((a, b) => Number(b.users >= floor) - Number(a.users >= floor) || over(b) - over(a) || b.users - a.users);
}
