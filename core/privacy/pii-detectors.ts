/**
 * Detectors for personal data in free text: each returns candidate spans of one kind, already
 * validated (checksums, octet ranges, reserved SSN areas...). Overlaps between kinds are settled in
 * pii.ts.
 *
 * Every regex here must stay linear on 100,000 characters of hostile input: no nested unbounded
 * quantifiers, bounded repetition only, and a negative lookbehind on the candidate's own character
 * class wherever a pattern starts with a repeated class, so that a long run is tried from its first
 * character only instead of from each of its characters (which would be quadratic).
 */

export interface Span {
	start: number;
	end: number;
}

/** Runs a global regex and keeps the spans that `accept` returns (null drops the candidate). */
export function scan(text: string, re: RegExp, accept: (m: RegExpExecArray) => Span | null): Span[] {
	const out: Span[] = [];
	re.lastIndex = 0;
	for (let m = re.exec(text); m !== null; m = re.exec(text)) {
		const span = accept(m);
		if (span) out.push(span);
		// A zero-length match never happens with these patterns, but never loop forever if one is added.
		if (m[0].length === 0) re.lastIndex++;
	}
	return out;
}

// ---------------------------------------------------------------- email

// Local part at most 64 characters (RFC 5321); the domain run is taken whole and split in code,
// which is simpler and cheaper than letting the regex backtrack over labels.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}/g;
const TLD = /^(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function findEmails(text: string): Span[] {
	if (!text.includes("@")) return [];
	return scan(text, EMAIL, (m) => {
		const at = m[0].indexOf("@");
		let local = m[0].slice(0, at);
		let domain = m[0].slice(at + 1);
		const lead = local.length - local.replace(/^\.+/, "").length;
		local = local.slice(lead);
		// "write to bob@example.com." ends a sentence, it is not part of the domain.
		domain = domain.replace(/[.-]+$/, "");
		if (local === "" || local.endsWith(".") || local.includes("..")) return null;
		const labels = domain.split(".");
		if (labels.length < 2 || !TLD.test(labels[labels.length - 1] ?? "")) return null;
		if (!labels.every((l) => LABEL.test(l))) return null;
		return { start: m.index + lead, end: m.index + at + 1 + domain.length };
	});
}

// ---------------------------------------------------------------- card

// 13-19 digits, optionally grouped by single spaces or dashes. The lookahead keeps "4111...1111-2"
// or a longer digit run from matching a prefix.
const CARD = /(?=\d)(?<![\w.,+-])\d(?:[ -]?\d){12,18}(?![\w]|[.,-]\d)/g;

// Issuer ranges in use: Mastercard 2221-2720 and 51-55, Amex/Diners/JCB 30 and 34-39, Visa 4,
// Maestro 5x and 6x, Discover/UnionPay 6x. This keeps millisecond and nanosecond timestamps
// (starting with 1) and compact dates like 20240115103044 out, whatever their Luhn digit.
const ISSUER = /^(?:2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[04-9]|[4-6])/;

export function luhnValid(digits: string): boolean {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = digits.charCodeAt(digits.length - 1 - i) - 48;
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

function cardShaped(raw: string): boolean {
	const seps = raw.replace(/\d/g, "");
	if (seps.length > 0) {
		// One kind of separator, groups of 4-6 (4-4-4-4, Amex 4-6-5) and a last group of 2-6.
		if (seps !== (seps[0] ?? "").repeat(seps.length)) return false;
		const groups = raw.split(seps[0] ?? " ");
		const last = groups.pop() ?? "";
		if (last.length < 2 || last.length > 6) return false;
		if (!groups.every((g) => g.length >= 4 && g.length <= 6)) return false;
	}
	return true;
}

export function findCards(text: string): Span[] {
	return scan(text, CARD, (m) => {
		const digits = m[0].replace(/\D/g, "");
		if (!ISSUER.test(digits)) return null;
		if (!cardShaped(m[0]) || !luhnValid(digits)) return null;
		return { start: m.index, end: m.index + m[0].length };
	});
}

// ---------------------------------------------------------------- ip

// A network written with its prefix length (10.0.0.0/8, 2001:db8::/32) is not anyone's address.
const IPV4 = /(?=\d)(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|[./]\d)/g;
// Hex groups and colons, with an optional dotted IPv4 tail (::ffff:192.0.2.1); parsed in code.
const IPV6 = /(?=[0-9A-Fa-f:])(?<![\w:.])[0-9A-Fa-f:]{2,39}(?:\.\d{1,3}){0,3}(?![\w:]|[./]\d)/g;
const VERSION_CUE = /(?:version|ver\.?|release|build|firmware|v)\s*:?\s*$/i;

function ipv4Octets(s: string): number[] | null {
	const parts = s.split(".");
	if (parts.length !== 4) return null;
	const octets: number[] = [];
	for (const p of parts) {
		// Leading zeros ("01.02.03.04") read as a version or a date more often than an address.
		if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === "0")) return null;
		const n = Number(p);
		if (n > 255) return null;
		octets.push(n);
	}
	return octets;
}

function isPersonalIpv4(s: string): boolean {
	const o = ipv4Octets(s);
	// 0.x (unspecified), 127.x (loopback) and 255.x (netmasks, broadcast) never point at a person.
	return o !== null && o[0] !== 0 && o[0] !== 127 && o[0] !== 255;
}

function ipv6Groups(part: string): number | null {
	if (part === "") return 0;
	const groups = part.split(":");
	let count = 0;
	for (let i = 0; i < groups.length; i++) {
		const g = groups[i] ?? "";
		if (i === groups.length - 1 && g.includes(".")) {
			if (ipv4Octets(g) === null) return null;
			count += 2;
		} else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) count++;
		else return null;
	}
	return count;
}

export function isIpv6(s: string): boolean {
	const halves = s.split("::");
	if (halves.length > 2) return false;
	const counts = halves.map(ipv6Groups);
	if (counts.some((c) => c === null)) return false;
	const total = counts.reduce<number>((a, c) => a + (c ?? 0), 0);
	return halves.length === 2 ? total < 8 : total === 8;
}

function isPersonalIpv6(s: string): boolean {
	if (!isIpv6(s)) return false;
	// "::", "::1" and hex-only code like "a::b" are not addresses of anyone; real ones carry digits
	// and at least two written groups ("fe80::1", "2001:db8::1").
	const written = s.split(/:+/).filter((g) => g !== "");
	return /\d/.test(s) && written.length >= 2 && !/^[0:]*1?$/.test(s);
}

export function findIps(text: string): Span[] {
	const v4 = scan(text, IPV4, (m) => {
		if (!isPersonalIpv4(m[0])) return null;
		if (VERSION_CUE.test(text.slice(Math.max(0, m.index - 12), m.index))) return null;
		return { start: m.index, end: m.index + m[0].length };
	});
	if (!text.includes(":")) return v4;
	const v6 = scan(text, IPV6, (m) => {
		let s = m[0];
		// A sentence may end on a colon ("reached from 2001:db8::1:") but "fe80::" is an address.
		if (s.endsWith(":") && !s.endsWith("::")) s = s.slice(0, -1);
		if ((s.match(/:/g) ?? []).length < 2 || !isPersonalIpv6(s)) return null;
		return { start: m.index, end: m.index + s.length };
	});
	return v4.concat(v6);
}
