/** UTC day strings the API takes (`from`, `to`). */
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const daysAgo = (n: number, now = Date.now()) => isoDay(now - n * 86_400_000);

/** Every view counts users, shares and priority over the same window, and says so: the last this many days. */
export const WINDOW_DAYS = 30;
/** The first day of the window (`from`), today included. */
export const windowStart = (now = Date.now()) => daysAgo(WINDOW_DAYS - 1, now);
