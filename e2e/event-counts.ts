/** Events stored for a user, read through the API page by page as a client would. */
export async function countEvents(base: string, key: string, user: string): Promise<number> {
	let n = 0;
	let cursor: string | null = null;
	do {
		const res = await fetch(`${base}/api/events?user_id=${encodeURIComponent(user)}&limit=100${cursor ? `&cursor=${cursor}` : ""}`, {
			headers: { authorization: `Bearer ${key}` },
		});
		const body = (await res.json()) as { data: unknown[]; next_cursor: string | null };
		n += body.data.length;
		cursor = body.next_cursor;
	} while (cursor);
	return n;
}
