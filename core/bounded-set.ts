/** Adds `value` to `set`, dropping the oldest entry once it holds more than `max` (a Set keeps insertion order). */
export function addBounded<T>(set: Set<T>, value: T, max = 1000): void {
	set.add(value);
	if (set.size > max) set.delete(set.values().next().value as T);
}
