/** The dashboard's pages. Patterns use `:name` segments; the first match wins. */
export const ROUTES = {
	overview: "/",
	issues: "/issues",
	issue: "/issues/:id",
	intents: "/intents",
	events: "/events",
	search: "/search",
	deepSearches: "/deep-searches",
	deepSearch: "/deep-searches/:id",
	ask: "/ask",
	event: "/events/:id",
	conversation: "/conversations/:id",
	settings: "/settings",
	signIn: "/sign-in",
} as const;

export type RouteName = keyof typeof ROUTES;
export interface RouteMatch {
	name: RouteName | "notFound";
	params: Record<string, string>;
}

export function matchRoute(pathname: string): RouteMatch {
	const parts = pathname.replace(/\/+$/, "").split("/").filter(Boolean);
	for (const [name, pattern] of Object.entries(ROUTES) as [RouteName, string][]) {
		const want = pattern.split("/").filter(Boolean);
		if (want.length !== parts.length) continue;
		const params: Record<string, string> = {};
		const ok = want.every((segment, i) => {
			if (segment.startsWith(":")) {
				try {
					params[segment.slice(1)] = decodeURIComponent(parts[i]!);
				} catch {
					return false;
				}
				return true;
			}
			return segment === parts[i];
		});
		if (ok) return { name, params };
	}
	return { name: "notFound", params: {} };
}

export function pathFor(name: RouteName, params: Record<string, string> = {}): string {
	return ROUTES[name].replace(/:([a-z]+)/g, (_, key: string) => encodeURIComponent(params[key] ?? ""));
}
