export const LOCAL_PROJECT_ID: string;
export const DEFAULT_WRITE_KEY: string;
export const DEFAULT_READ_KEY: string;
export const DEFAULT_ADMIN_KEY: string;
export function localKeys(env?: Record<string, string | undefined>): { write: string; read: string; admin: string };
export function localProjectSql(keys: Partial<Record<"write" | "read" | "admin", string>>, now?: number): string;
export function projectSql(project: { projectId: string; name: string; keys: { write: string; read: string; admin: string } }, now?: number): string;
