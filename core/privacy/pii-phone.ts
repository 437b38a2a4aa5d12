import { scan, type Span } from "./pii-detectors";

/**
 * Phone numbers by shape, not by a numbering-plan database: libphonenumber-js (min metadata) adds
 * ~140 KB to a Worker bundle, reads about 1.4 MB/s of prose and took 0.8 s on 100,000 characters of
 * "1 1 1 ...", and it misses national forms outside the one default country it is given.
 * See docs/privacy.md for what this accepts and misses.
 *
 * A candidate is digit groups joined by single separators (space, dash, dot; "(415) " counts as a
 * group), maybe after "+". It must not touch a word, a price sign, "#", or a dotted/dashed number
 * on either side, so dates, versions and order numbers never become candidates.
 */
const CANDIDATE = /(?=[+(\d])(?<![\w+@$€£¥#.,/\\-])\+?(?:\(\d{1,5}\)[ .-]?|\d{1,15}[ .-]){0,7}\d{1,15}(?![\w@]|[.,:/-]\d)/g;
// A bare run of digits is a phone only right after a word that says so. Plain "call" is not one:
// "tool call 2345678901" is everyday text in an AI product.
const CUED = /\b(?:phone|tel|telephone|mobile|cell|call me|call us|text me|fax|sms|whatsapp)\b[^\d\n+]{0,16}(\+?\d{8,15})(?!\d)/gi;

interface Group {
	digits: string;
	paren: boolean;
	end: number;
}

function groupsOf(raw: string): Group[] {
	const groups: Group[] = [];
	for (const m of raw.matchAll(/\(?(\d+)\)?/g)) {
		groups.push({ digits: m[1] ?? "", paren: m[0].startsWith("("), end: (m.index ?? 0) + m[0].length });
	}
	return groups;
}

/** North American numbers: area code and exchange never start with 0 or 1. */
function nanp(ten: string): boolean {
	return ten.length === 10 && ten[0]! >= "2" && ten[3]! >= "2";
}

function validInternational(groups: Group[]): boolean {
	// "+44 (0) 20 ..." writes the national trunk 0 after the country code; it is not dialled.
	const kept = groups.filter((g, i) => !(i > 0 && g.paren && g.digits === "0"));
	const digits = kept.map((g) => g.digits).join("");
	if (digits.length < 8 || digits.length > 15 || digits[0] === "0") return false;
	return digits[0] === "1" ? nanp(digits.slice(1)) && digits.length === 11 : true;
}

function validNational(groups: Group[]): boolean {
	const sizes = groups.map((g) => g.digits.length).join("-");
	const digits = groups.map((g) => g.digits).join("");
	// (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199
	if (sizes === "3-3-4") return nanp(digits);
	if (sizes === "1-3-3-4") return digits[0] === "1" && nanp(digits.slice(1));
	// Trunk-prefix forms used across Europe, Asia and Oceania: 020 7946 0958, 06 12 34 56 78,
	// 030 12345678, 03-1234-5678. A second 0 would be an international prefix instead.
	const first = groups[0]?.digits ?? "";
	return (
		/^0[1-9]\d{0,3}$/.test(first) &&
		groups.length >= 2 &&
		groups.length <= 5 &&
		groups.every((g) => g.digits.length >= 2) &&
		digits.length >= 10 &&
		digits.length <= 12
	);
}

function validPhone(groups: Group[], plus: boolean): boolean {
	const first = groups[0]?.digits ?? "";
	if (plus) return validInternational(groups);
	// 0044 20 7946 0958: the international prefix of most of the world.
	if (first.startsWith("00") && first.length >= 3 && first.length <= 5) {
		return validInternational([{ ...groups[0]!, digits: first.slice(2) }, ...groups.slice(1)]);
	}
	return groups.length >= 2 && validNational(groups);
}

export function findPhones(text: string): Span[] {
	const formatted = scan(text, CANDIDATE, (m) => {
		// Every accepted form has at least 8 digits and a group of two or more; most candidates are
		// years, small numbers and lists like "1 2 3".
		if (m[0].length < 8 || !/\d\d/.test(m[0])) return null;
		const plus = m[0].startsWith("+");
		const groups = groupsOf(m[0]);
		// "call 415 555 0132 2024" swallows a trailing number: try shorter prefixes of the groups.
		for (let k = groups.length; k >= 1; k--) {
			const head = groups.slice(0, k);
			if (validPhone(head, plus)) return { start: m.index, end: m.index + head[k - 1]!.end };
		}
		return null;
	});
	const cued = scan(text, CUED, (m) => {
		const raw = m[1] ?? "";
		const digits = raw.replace("+", "");
		const ok = raw.startsWith("+")
			? validInternational([{ digits, paren: false, end: 0 }])
			: nanp(digits) ||
				(digits.length === 11 && digits[0] === "1" && nanp(digits.slice(1))) ||
				(/^0[1-9]/.test(digits) && digits.length >= 10 && digits.length <= 12);
		const end = m.index + m[0].length;
		return ok ? { start: end - raw.length, end } : null;
	});
	return formatted.concat(cued);
}
