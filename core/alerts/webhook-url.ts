/**
 * Where a webhook may point. Alerts are server-side requests to a URL a user typed, so the URL
 * must not reach into private networks or cloud metadata services (SSRF). Checked when a rule
 * is saved and again before every send. Redirects are never followed (see alert delivery), so
 * a public URL cannot bounce a request inward.
 */

export interface WebhookUrlPolicy {
	/** Local development only: plain http to localhost / 127.0.0.1 / [::1], for a local receiver. */
	allowLocalhost: boolean;
}

const BLOCKED_HOST_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet", ".corp"];
const BLOCKED_HOSTS = new Set(["localhost", "metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal"]);
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Why `raw` cannot be a webhook destination, or null when it can. */
export function webhookUrlProblem(raw: string, policy: WebhookUrlPolicy): string | null {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return "is not a valid URL";
	}
	if (url.username || url.password) return "must not carry a user name or password";
	const host = url.hostname.toLowerCase();
	if (policy.allowLocalhost && url.protocol === "http:" && LOOPBACK_HOSTS.has(host)) return null;
	if (url.protocol !== "https:") return policy.allowLocalhost ? "must use https (plain http only to localhost in local development)" : "must use https";
	if (BLOCKED_HOSTS.has(host) || BLOCKED_HOST_SUFFIXES.some((s) => host.endsWith(s)) || !host.includes(".") && !host.startsWith("[")) {
		return "must point to a public host, not a local or internal name";
	}
	const v4 = parseIpv4(host);
	if (v4 && isPrivateIpv4(v4)) return "must not point to a private, loopback, link-local or metadata address";
	if (host.startsWith("[") && isPrivateIpv6(host.slice(1, -1))) return "must not point to a private, loopback, link-local or metadata address";
	return null;
}

/** Dotted IPv4 (the URL parser already normalised decimal, octal and hex forms to this). */
function parseIpv4(host: string): number[] | null {
	const parts = host.split(".");
	if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
	const n = parts.map(Number);
	return n.every((x) => x <= 255) ? n : null;
}

function isPrivateIpv4([a, b, c]: number[]): boolean {
	return (
		a === 0 || // "this" network
		a === 10 ||
		a === 127 ||
		(a === 100 && b! >= 64 && b! <= 127) || // carrier-grade NAT
		(a === 169 && b === 254) || // link-local, incl. 169.254.169.254 metadata
		(a === 172 && b! >= 16 && b! <= 31) ||
		(a === 192 && b === 168) ||
		(a === 192 && b === 0 && (c === 0 || c === 2)) ||
		(a === 198 && (b === 18 || b === 19)) || // benchmarking
		(a === 198 && b === 51 && c === 100) ||
		(a === 203 && b === 0 && c === 113) ||
		a! >= 224 // multicast, reserved, broadcast
	);
}

function isPrivateIpv6(addr: string): boolean {
	const a = addr.toLowerCase();
	if (a === "::" || a === "::1") return true;
	// IPv4-mapped or -translated (::ffff:10.0.0.1, or as the parser writes it, ::ffff:a00:1).
	const mapped = /^::ffff:(?:0:)?(.+)$/.exec(a);
	if (mapped) {
		const tail = mapped[1]!;
		const dotted = parseIpv4(tail);
		if (dotted) return isPrivateIpv4(dotted);
		const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
		if (hex) {
			const hi = parseInt(hex[1]!, 16);
			const lo = parseInt(hex[2]!, 16);
			return isPrivateIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
		}
		return true;
	}
	const first = parseInt(a.split(":")[0] || "0", 16);
	return (
		(first & 0xfe00) === 0xfc00 || // unique local fc00::/7 (incl. fd00:ec2::254 metadata)
		(first & 0xffc0) === 0xfe80 || // link-local fe80::/10
		(first & 0xff00) === 0xff00 || // multicast
		a.startsWith("64:ff9b:") || // NAT64 can reach IPv4 private space
		a.startsWith("2001:db8:") // documentation
	);
}

/** "hooks.slack.com/…a1b2": enough to recognise a destination, never enough to use it. */
export function displayWebhookUrl(raw: string): string {
	const url = new URL(raw);
	const tail = (url.pathname + url.search).replace(/\/+$/, "");
	return `${url.host}${tail.length > 1 ? `/…${tail.slice(-4)}` : ""}`;
}
