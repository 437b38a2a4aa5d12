import { scan, type Span } from "./pii-detectors";

/**
 * Credentials: tokens with a vendor prefix, Authorization header values, URL passwords,
 * PEM private keys and the value side of `password=` / `"api_key": "..."` style assignments.
 */

// Prefixes documented by each vendor; lengths are lower bounds seen in the wild, with an upper
// bound only to keep the regex linear. Lookarounds make the whole token one match or none.
const KNOWN_PREFIX = new RegExp(
	"(?<![A-Za-z0-9_.-])(?:" +
		[
			"sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,4096}", // Anthropic, OpenAI (also sk-svcacct-, sk-admin-)
			"gh[pousr]_[A-Za-z0-9]{30,255}", // GitHub classic tokens
			"github_pat_[A-Za-z0-9_]{22,255}",
			"xox[abposr]-[A-Za-z0-9-]{10,255}", // Slack
			"(?:AKIA|ASIA)[A-Z0-9]{16}", // AWS access key ids
			"AIza[0-9A-Za-z_-]{35}", // Google API keys
			"(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,255}", // Stripe
			"glpat-[A-Za-z0-9_-]{20,255}", // GitLab
			"npm_[A-Za-z0-9]{36}",
			"hf_[A-Za-z0-9]{30,255}", // Hugging Face
			"bm_(?:write|read|admin)_[A-Za-z0-9]{32}", // Barometer's own keys (core/api-keys.ts)
			"eyJ[A-Za-z0-9_-]{8,4096}\\.[A-Za-z0-9_-]{8,4096}\\.[A-Za-z0-9_-]{8,4096}", // JWT
		].join("|") +
		")(?![A-Za-z0-9_-])",
	"g",
);
const AUTH_HEADER = /\b(?:[Bb]earer|BEARER|Basic|Token)[ \t]{1,3}([A-Za-z0-9._~+/=-]{8,4096})/g;
const URL_PASSWORD = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{1,15}:\/\/[^\s/:@]{1,64}:([^\s/@]{1,128})@/gi;
const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z ]{0,32}PRIVATE KEY-----/g;
const PRIVATE_KEY_END = /-----END [A-Z ]{0,32}PRIVATE KEY-----/g;
// The key name may sit inside a longer identifier (OPENAI_API_KEY, x-api-key, "db_password").
const ASSIGNMENT =
	/(?:api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|token|secret|password|passwd|passphrase|pwd)(["']?)([ \t]{0,3})([:=])([ \t]{0,3})(?:"([^"\\\r\n]{1,512})"|'([^'\\\r\n]{1,512})'|([^\s"'`,;&<>(){}[\]]{1,512}))/dgi;
// Values that say "no secret here": empty markers, templates, env lookups, paths (PWD=/home/bob),
// our own placeholders.
const NOT_A_SECRET =
	/^(?:null|none|nil|undefined|true|false|redacted|required|optional|string|\*+|x+|\.+|<.*>|\$.*|\{.*|%.*|[/~].*|\[[A-Z_]+(?::[0-9a-f]{8})?\])$/i;

const CODE_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

/** Random-looking: letters with digits, or a long mixed-case run. Ordinary words are neither. */
export function looksRandom(v: string): boolean {
	if (v.length < 6) return false;
	if (/\d/.test(v) && /[A-Za-z]/.test(v)) return true;
	return v.length >= 12 && (v.match(/[A-Z]/g) ?? []).length >= 2 && (v.match(/[a-z]/g) ?? []).length >= 2;
}

function knownPrefix(text: string): Span[] {
	return scan(text, KNOWN_PREFIX, (m) => {
		// "sk-" starts plenty of hyphenated words ("sk-learn-tutorial-for-beginners"): keys have digits.
		if (m[0].startsWith("sk-") && !/\d/.test(m[0])) return null;
		return { start: m.index, end: m.index + m[0].length };
	});
}

function privateKeys(text: string): Span[] {
	const spans: Span[] = [];
	PRIVATE_KEY_BEGIN.lastIndex = 0;
	for (let m = PRIVATE_KEY_BEGIN.exec(text); m !== null; m = PRIVATE_KEY_BEGIN.exec(text)) {
		PRIVATE_KEY_END.lastIndex = m.index;
		const end = PRIVATE_KEY_END.exec(text);
		// No END anywhere after: none of the later BEGINs has one either, so stop (keeps this linear).
		if (!end) break;
		spans.push({ start: m.index, end: end.index + end[0].length });
		PRIVATE_KEY_BEGIN.lastIndex = end.index + end[0].length;
	}
	return spans;
}

function assignments(text: string): Span[] {
	return scan(text, ASSIGNMENT, (m) => {
		const group = m[5] !== undefined ? 5 : m[6] !== undefined ? 6 : 7;
		const value = m[group] ?? "";
		const at = m.indices?.[group];
		if (!at || NOT_A_SECRET.test(value) || value.startsWith("=")) return null;
		const quotedKey = m[1] !== "";
		const tight = m[3] === "=" && m[2] === "" && m[4] === "";
		// `token = getToken()`, `key = process.env.KEY`: code that names a value, not the value.
		if (group === 7 && (text[at[1]] === "(" || CODE_PATH.test(value))) return null;
		// `"password": "..."` (JSON) and `password=...` (env, URL query) are structured: any value
		// counts. Prose and code ("token: expired", "password = input") only when it looks random.
		const structured = (quotedKey && value.length >= 3) || (tight && value.length >= 4);
		if (!structured && !looksRandom(value)) return null;
		return { start: at[0], end: at[1] };
	});
}

export function findSecrets(text: string): Span[] {
	const header = scan(text, AUTH_HEADER, (m) => {
		const token = m[1] ?? "";
		const end = m.index + m[0].length;
		return looksRandom(token) || token.endsWith("=") ? { start: end - token.length, end } : null;
	});
	const urlPasswords = scan(text, URL_PASSWORD, (m) => {
		const end = m.index + m[0].length - 1; // before "@"
		return { start: end - (m[1] ?? "").length, end };
	});
	return [...knownPrefix(text), ...privateKeys(text), ...header, ...urlPasswords, ...assignments(text)];
}
