export const DEFAULT_PORT: number;
export function instanceFile(env?: Record<string, string | undefined>, root?: string): string;
export function recordInstance(file: string, url: string): void;
export function forgetInstance(file: string): void;
export function resolveInstanceUrl(options?: {
	url?: string;
	env?: Record<string, string | undefined>;
	root?: string;
	log?: (message: string) => void;
	timeoutMs?: number;
}): Promise<{ url: string; source: string }>;
export function requireInstance(url: string, options?: { log?: (message: string) => void; exit?: (code: number) => void; timeoutMs?: number }): Promise<void>;
