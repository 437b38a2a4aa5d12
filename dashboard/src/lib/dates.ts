/** UTC day strings the API takes (`from`, `to`). */
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const daysAgo = (n: number, now = Date.now()) => isoDay(now - n * 86_400_000);
