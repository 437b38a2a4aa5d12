import { scan, type Span } from "./pii-detectors";

/**
 * National identifiers whose format or checksum is strict enough to flag without context:
 * US Social Security numbers, UK National Insurance numbers, Spanish DNI/NIE.
 */

// AAA-GG-SSSS or AAA GG SSSS, the same separator twice.
const SSN = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w]|[-.]\d)/g;
// Nine bare digits are anything (an order, a zip+4, an amount): only after a cue word.
const SSN_CUED = /(?:\bssns?\b|\bsocial security\b|\bss#)[^\d\n]{0,24}(?<!\d)(\d{9})(?!\d)/gi;
// HMRC: no D, F, I, Q, U, V in either prefix letter, no O second, and some prefixes never issued.
const NINO = /(?<![A-Za-z0-9])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/g;
const DNI = /(?<![\w-])(\d{8})-?([A-Z])(?![\w])/g;
const NIE = /(?<![\w-])([XYZ])-?(\d{7})-?([A-Z])(?![\w])/g;
const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

export function validSsn(area: string, group: string, serial: string): boolean {
	// SSA never issues area 000, 666 or 900-999 (ITINs), group 00 or serial 0000.
	return area !== "000" && area !== "666" && area[0] !== "9" && group !== "00" && serial !== "0000";
}

function dniLetterMatches(digits: string, letter: string): boolean {
	return DNI_LETTERS[Number(digits) % 23] === letter;
}

export function findNationalIds(text: string): Span[] {
	const spans: Span[] = [];
	const whole = (m: RegExpExecArray): Span => ({ start: m.index, end: m.index + m[0].length });
	spans.push(
		...scan(text, SSN, (m) => (validSsn(m[1] ?? "", m[3] ?? "", m[4] ?? "") ? whole(m) : null)),
		...scan(text, SSN_CUED, (m) => {
			const d = m[1] ?? "";
			if (!validSsn(d.slice(0, 3), d.slice(3, 5), d.slice(5))) return null;
			const end = m.index + m[0].length;
			return { start: end - 9, end };
		}),
		...scan(text, NINO, whole),
		...scan(text, DNI, (m) => (dniLetterMatches(m[1] ?? "", m[2] ?? "") ? whole(m) : null)),
		...scan(text, NIE, (m) => {
			const prefix = String("XYZ".indexOf(m[1] ?? ""));
			return dniLetterMatches(prefix + (m[2] ?? ""), m[3] ?? "") ? whole(m) : null;
		}),
	);
	return spans;
}
