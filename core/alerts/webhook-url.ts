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
	// "localhost." and "metadata.google.internal." are the same hosts as without the final dot.
	const host = url.hostname.toLowerCase().replace(/\.+$/, "");
	if (policy.allowLocalhost && url.protocol === "http:" && LOOPBACK_HOSTS.has(host)) return null;
	if (url.protocol !== "https:") return policy.allowLocalhost ? "must use https (plain http only to localhost in local development)" : "must use https";
	if (BLOCKED_HOSTS.has(host) || BLOCKED_HOST_SUFFIXES.some((s) => host.endsWith(s)) || (!host.includes(".") && !host.startsWith("["))) {
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

/**
 * The eight 16-bit groups of an IPv6 address, or null when `addr` is not one. Takes the URL
 * parser's normalised form (`::7f00:1`) and also any other textual form: `::` compression, a
 * dotted IPv4 tail (`::ffff:127.0.0.1`), leading zeros (`0:0:0:0:0:0:0:1`), any letter case.
 */
export function parseIpv6(addr: string): number[] | null {
	let text = addr.toLowerCase();
	if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
	if (!/^[0-9a-f:.]+$/.test(text)) return null;
	const lastColon = text.lastIndexOf(":");
	if (lastColon < 0) return null;
	const dotted = text.slice(lastColon + 1);
	if (dotted.includes(".")) {
		const v4 = parseIpv4(dotted);
		if (!v4) return null;
		text = `${text.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
	}
	const halves = text.split("::");
	if (halves.length > 2) return null;
	const groups = (part: string) => (part === "" ? [] : part.split(":"));
	const head = groups(halves[0]!);
	const rest = halves.length === 2 ? groups(halves[1]!) : [];
	if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
	const explicit = head.length + rest.length;
	if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
	const zeros = new Array<number>(8 - explicit).fill(0);
	return [...head.map((g) => parseInt(g, 16)), ...(halves.length === 2 ? zeros : []), ...rest.map((g) => parseInt(g, 16))];
}

/** The IPv4 address carried in the low 32 bits of `g` (groups 6 and 7). */
const embeddedIpv4 = (g: number[]) => [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255];

/**
 * Refused: unspecified `::`, loopback `::1`, every form that carries an IPv4 address a host or
 * gateway may deliver to (IPv4-compatible `::a.b.c.d`, mapped `::ffff:a.b.c.d`, translated
 * `::ffff:0:a.b.c.d`, 6to4 `2002:ab:cd::`) when that IPv4 is refused, NAT64 (64:ff9b::/96 and
 * the local-use 64:ff9b:1::/48) and Teredo (2001::/32) altogether, link-local fe80::/10,
 * site-local fec0::/10, unique local fc00::/7 (incl. fd00:ec2::254 metadata), multicast,
 * discard-only 100::/64 and documentation 2001:db8::/32. Unparseable addresses are refused too.
 */
function isPrivateIpv6(addr: string): boolean {
	const g = parseIpv6(addr);
	if (!g) return true;
	const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
	if (zeroTo(6)) return isPrivateIpv4(embeddedIpv4(g)); // ::, ::1 (as 0.0.0.0/0.0.0.1) and ::a.b.c.d
	if (zeroTo(5) && g[5] === 0xffff) return isPrivateIpv4(embeddedIpv4(g)); // ::ffff:a.b.c.d
	if (zeroTo(4) && g[4] === 0xffff && g[5] === 0) return isPrivateIpv4(embeddedIpv4(g)); // ::ffff:0:a.b.c.d
	if (g[0] === 0x2002) return isPrivateIpv4([g[1]! >> 8, g[1]! & 255, g[2]! >> 8, g[2]! & 255]); // 6to4
	const [a, b] = [g[0]!, g[1]!];
	return (
		(a === 0x64 && b === 0xff9b) || // NAT64, well-known and local-use: reaches IPv4 space the gateway can
		(a === 0x2001 && b === 0) || // Teredo
		(a === 0x2001 && b === 0xdb8) || // documentation
		(a === 0x100 && b === 0 && g[2] === 0 && g[3] === 0) || // discard-only 100::/64
		(a & 0xfe00) === 0xfc00 || // unique local fc00::/7
		(a & 0xffc0) === 0xfe80 || // link-local fe80::/10
		(a & 0xffc0) === 0xfec0 || // site-local fec0::/10 (deprecated)
		(a & 0xff00) === 0xff00 || // multicast
		zeroTo(1) // anything else in 0::/16 that is not a form above: reserved
	);
}

/** "hooks.slack.com/…a1b2": enough to recognise a destination, never enough to use it. */
export function displayWebhookUrl(raw: string): string {
	const url = new URL(raw);
	const tail = (url.pathname + url.search).replace(/\/+$/, "");
	return `${url.host}${tail.length > 1 ? `/…${tail.slice(-4)}` : ""}`;
}
