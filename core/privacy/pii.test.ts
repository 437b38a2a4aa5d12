import { describe, expect, it } from "vitest";
import { createRedactor, DEFAULT_PRIVACY, findPii, PII_KINDS, type PiiKind, privacyConfigSchema } from "./pii";

/** What findPii flags in `text`, as [kind, matched text] pairs. */
function flagged(text: string, kinds?: readonly PiiKind[]): Array<[PiiKind, string]> {
	return findPii(text, kinds).map((m) => [m.kind, text.slice(m.start, m.end)]);
}

const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq8\nq3f9Zt==\n-----END RSA PRIVATE KEY-----";

// [text, the exact value expected to be flagged with that kind]
const POSITIVES: Record<PiiKind, Array<[string, string]>> = {
	email: [
		["contact bob@example.com today", "bob@example.com"],
		["Bob.Smith+billing@mail.example.co.uk wrote", "Bob.Smith+billing@mail.example.co.uk"],
		["reach me at jane_doe99@sub.domain.io.", "jane_doe99@sub.domain.io"],
		["From: <alice@example.org>", "alice@example.org"],
		["mailto:ops-team@example.com", "ops-team@example.com"],
	],
	phone: [
		["call +44 20 7946 0958 now", "+44 20 7946 0958"],
		["US office +1-415-555-0132.", "+1-415-555-0132"],
		["my cell is (415) 555-0132", "(415) 555-0132"],
		["415-555-0132", "415-555-0132"],
		["415.555.0132", "415.555.0132"],
		["415 555 0132 is my number", "415 555 0132"],
		["London: 020 7946 0958", "020 7946 0958"],
		["Paris +33 1 23 45 67 89", "+33 1 23 45 67 89"],
		["portable 06 12 34 56 78", "06 12 34 56 78"],
		["Berlin +49 30 12345678", "+49 30 12345678"],
		["toll free 1-800-555-0199", "1-800-555-0199"],
		["whatsapp +14155550132", "+14155550132"],
		["UK +44 (0) 20 7946 0958", "+44 (0) 20 7946 0958"],
		["dial 0044 20 7946 0958", "0044 20 7946 0958"],
		["call me at 4155550132 tonight", "4155550132"],
		["call 415 555 0132 2024", "415 555 0132"],
	],
	card: [
		["card 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111"],
		["4111-1111-1111-1111", "4111-1111-1111-1111"],
		["pan=4111111111111111", "4111111111111111"],
		["mastercard 5555 5555 5555 4444", "5555 5555 5555 4444"],
		["mastercard 2-series 2223 0031 2200 3222", "2223 0031 2200 3222"],
		["amex 3782 822463 10005", "3782 822463 10005"],
		["amex 378282246310005", "378282246310005"],
		["discover 6011 1111 1111 1117.", "6011 1111 1111 1117"],
	],
	api_key: [
		["key sk-proj-abc123DEF456ghi789JKL012mno", "sk-proj-abc123DEF456ghi789JKL012mno"],
		["ANTHROPIC_API_KEY=sk-ant-api03-abcDEF123456ghiJKL789mnoPQR", "sk-ant-api03-abcDEF123456ghiJKL789mnoPQR"],
		["sk-" + "aB3".repeat(16), "sk-" + "aB3".repeat(16)],
		["token ghp_" + "a1B2c3".repeat(6), "ghp_" + "a1B2c3".repeat(6)],
		["github_pat_11ABCDEFG0123456789_abcdefghijklmnop", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop"],
		["slack xoxb-123456789012-abcdefGHIJ", "xoxb-123456789012-abcdefGHIJ"],
		["aws AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"],
		["maps AIzaSyA-1234567890abcdefghijklmnopqrstu", "AIzaSyA-1234567890abcdefghijklmnopqrstu"],
		["stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
		["stripe rk_live_51H8abcdefGHIJKLmnop", "rk_live_51H8abcdefGHIJKLmnop"],
		["barometer bm_write_" + "Ab3".repeat(10) + "xy", "bm_write_" + "Ab3".repeat(10) + "xy"],
		[`jwt ${JWT}`, JWT],
		["Authorization: Bearer abc123def456ghi789", "abc123def456ghi789"],
		["Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="],
		["GET /v1?api_key=abcd1234efgh&page=2", "abcd1234efgh"],
		["apikey: 9f8e7d6c5b4a", "9f8e7d6c5b4a"],
		["token=abcdefgh", "abcdefgh"],
		["password=hunter2", "hunter2"],
		["password: hunter2", "hunter2"],
		["x-api-key: 7f3a9c2e41b8", "7f3a9c2e41b8"],
		['{"password": "correct horse battery staple"}', "correct horse battery staple"],
		["db_secret='s3cr3t!'", "s3cr3t!"],
		["postgres://admin:s3cretPass@db.example.com:5432/app", "s3cretPass"],
		[`key:\n${PEM}\n`, PEM],
	],
	ip: [
		["from 192.168.1.20 at noon", "192.168.1.20"],
		["dns 8.8.8.8.", "8.8.8.8"],
		["client 203.0.113.42:443", "203.0.113.42"],
		["v6 2001:db8::1 up", "2001:db8::1"],
		["2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"],
		["link fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"],
		["mapped ::ffff:192.0.2.1", "::ffff:192.0.2.1"],
		["[2001:db8::1]:8080", "2001:db8::1"],
	],
	national_id: [
		["SSN 123-45-6789", "123-45-6789"],
		["ssn 078 05 1120", "078 05 1120"],
		["SSN: 123456789", "123456789"],
		["social security number 078051120", "078051120"],
		["NI number AB123456C", "AB123456C"],
		["NINO AB 12 34 56 C", "AB 12 34 56 C"],
		["DNI 12345678Z", "12345678Z"],
		["NIE X1234567L", "X1234567L"],
	],
};

// Ordinary text a monitoring product sees all day: none of it may be touched.
const NEGATIVES: Record<PiiKind, string[]> = {
	email: ["user@localhost", "ping @mention please", "npm i @scope/pkg@1.2.3", "foo@bar.c", "a@b", "@types/node"],
	phone: [
		"In 2024 revenue grew",
		"It costs $1,299.99",
		"at 2024-01-15T10:30:00Z",
		"due 2024-01-15",
		"on 12/25/2024",
		"at 10:30:45",
		"released v1.2.3",
		"order #123456",
		"code 48213",
		"id 12345678901",
		"ts 1700000000",
		"tool call 2345678901 finished",
		"pages 10-20",
		"local 555-0132",
		"ISBN 978-3-16-148410-0",
		"1 2 3 4 5 6 7 8",
		"price 1 299 000 EUR",
		"score 3-1 after 90 minutes",
		"card 4111 1111 1111 1111",
		"SSN 123-45-6789",
	],
	card: [
		"4111 1111 1111 1112",
		"ts 1700000000123",
		"built 20240115103044",
		"31123456780009",
		"4111 11 11 1111 1111",
		"4111 1111-1111 1111",
		"order 1234567890123456",
		"uuid 123e4567-e89b-12d3-a456-426614174000",
	],
	api_key: [
		"we use the sk-learn library",
		"sk-this-is-a-long-hyphenated-phrase",
		"uuid 123e4567-e89b-12d3-a456-426614174000",
		"the bearer of bad news",
		"a Bearer token is required",
		"Basic Authentication failed",
		"error: token: expired",
		"max_tokens=1024 and input_tokens: 12",
		"reset your password: click the link below",
		"the secret: always test",
		"password = input.value",
		"const token = getToken()",
		"const apiKey = process.env.OPENAI_API_KEY;",
		"token=null",
		"PWD=/home/bob OLDPWD=/tmp",
		"password: ********",
		"ghp_short",
		"eyJhbGciOiJIUzI1NiJ9",
		"sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
	],
	ip: [
		"released v1.2.3",
		"semver 1.2.3",
		"1.2.3.4.5",
		"version 1.2.3.4",
		"256.1.1.1",
		"listen on 0.0.0.0",
		"localhost 127.0.0.1",
		"loopback ::1",
		"at 10:30:45",
		"ratio 12:34",
		"std::vector",
		"a::b",
		"mac 00:1A:2B:3C:4D:5E",
		"01.02.03.04",
		"mask 255.255.255.0",
		"route 10.0.0.0/8",
		"docs use 2001:db8::/32",
	],
	national_id: [
		"000-12-3456",
		"666-12-3456",
		"900-12-3456",
		"123-00-4567",
		"123-45-0000",
		"ref 123456789",
		"BG123456C",
		"AB123456E",
		"12345678A",
		"123-45 6789",
	],
};

describe("findPii", () => {
	for (const kind of PII_KINDS) {
		describe(kind, () => {
			it.each(POSITIVES[kind])("flags %j", (text, value) => {
				expect(flagged(text)).toContainEqual([kind, value]);
			});
			it.each(NEGATIVES[kind].map((t) => [t]))("does not flag %j", (text) => {
				expect(flagged(text).filter(([k]) => k === kind)).toEqual([]);
			});
		});
	}

	it("finds nothing at all in ordinary product text", () => {
		const text =
			"Release 2.14.0 (2024-03-01): fixed the retry loop in order #48213; p95 latency 1,250 ms, " +
			"cost $0.0042 per call, 3 of 12 conversations escalated at 14:05:09 UTC, see issue 1234.";
		expect(findPii(text)).toEqual([]);
	});

	it("gives each span one kind: a card is not also a phone, a key not also an email", () => {
		expect(flagged("4111 1111 1111 1111")).toEqual([["card", "4111 1111 1111 1111"]]);
		expect(flagged("api_key=bob@example.com")).toEqual([["api_key", "bob@example.com"]]);
		expect(flagged("redis://u:p4ssw0rd@cache.example.com")).toEqual([["api_key", "p4ssw0rd"]]);
		expect(flagged("john4155550132@example.com")).toEqual([["email", "john4155550132@example.com"]]);
	});

	it("returns matches sorted by position without overlaps", () => {
		const text = "ip 10.0.0.7, mail a@example.com, phone (415) 555-0132, card 4111111111111111";
		const matches = findPii(text);
		expect(matches.map((m) => m.kind)).toEqual(["ip", "email", "phone", "card"]);
		for (let i = 1; i < matches.length; i++) expect(matches[i]!.start).toBeGreaterThanOrEqual(matches[i - 1]!.end);
	});

	it("looks only for the kinds asked for", () => {
		const text = "bob@example.com +1-415-555-0132";
		expect(flagged(text, ["phone"])).toEqual([["phone", "+1-415-555-0132"]]);
		expect(flagged(text, ["email"])).toEqual([["email", "bob@example.com"]]);
	});

	// Each is 100,000 characters, the ingest body limit; a backtracking regex would hang here.
	const N = 100_000;
	const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
	const hostile: Array<[string, string]> = [
		["a@", fill("a@")],
		["a@b.", fill("a@b.")],
		["local part without @", fill("a.") + "@"],
		["digits with spaces", fill("1 ")],
		["digits with dashes", fill("415-")],
		["digits with dots", fill("1.")],
		["plus and parens", fill("+1 (")],
		["one long number", fill("4")],
		["colons", fill("a:")],
		["hex and colons", fill("ff:")],
		["key prefixes", fill("sk-")],
		["jwt-ish segments", fill("eyJa.")],
		["unterminated quoted secret", fill('password="')],
		["auth scheme", fill("Bearer ")],
		["url credentials", fill("a://b:")],
		["pem header without end", fill("-----BEGIN RSA PRIVATE KEY-----")],
		["ssn cue", fill("ssn ")],
		["nino-ish", fill("AB12 ")],
	];
	it.each(hostile)("completes on 100,000 characters of %s", (_name, text) => {
		expect(Array.isArray(findPii(text))).toBe(true);
	});

	it("still finds everything in a 100,000-character event", () => {
		const text = fill("note from bob@example.com about card 4111 1111 1111 1111. ");
		const matches = findPii(text);
		expect(matches.filter((m) => m.kind === "email").length).toBeGreaterThan(1600);
		expect(matches.filter((m) => m.kind === "card").length).toBe(matches.filter((m) => m.kind === "email").length);
	});
});

describe("privacyConfigSchema", () => {
	it("defaults kinds to every kind", () => {
		expect(privacyConfigSchema.parse({ mode: "hash" })).toEqual({ mode: "hash", kinds: [...PII_KINDS] });
	});

	it("accepts a subset of kinds", () => {
		expect(privacyConfigSchema.parse({ mode: "redact", kinds: ["email", "card"] }).kinds).toEqual(["email", "card"]);
	});

	it.each([
		["an unknown mode", { mode: "mask" }],
		["a missing mode", { kinds: ["email"] }],
		["no kinds", { mode: "redact", kinds: [] }],
		["a repeated kind", { mode: "redact", kinds: ["email", "email"] }],
		["an unknown kind", { mode: "redact", kinds: ["address"] }],
		["an unknown key", { mode: "redact", salt: "x" }],
	])("rejects %s", (_name, input) => {
		expect(privacyConfigSchema.safeParse(input).success).toBe(false);
	});

	it("parses the default config to itself", () => {
		expect(privacyConfigSchema.parse(DEFAULT_PRIVACY)).toEqual(DEFAULT_PRIVACY);
	});
});

describe("createRedactor", () => {
	const sample = "Hi, I'm bob@example.com, call +1-415-555-0132, card 4111 1111 1111 1111, key sk-proj-abc123DEF456ghi789JKL, ip 203.0.113.9, SSN 123-45-6789.";

	it("replaces each value with its kind's placeholder in redact mode", () => {
		expect(createRedactor(DEFAULT_PRIVACY, "salt").text(sample)).toBe("Hi, I'm [EMAIL], call [PHONE], card [CARD], key [API_KEY], ip [IP], SSN [NATIONAL_ID].");
	});

	it("replaces each value with a keyed 8-hex hash in hash mode", () => {
		const out = createRedactor({ mode: "hash", kinds: [...PII_KINDS] }, "salt").text("mail bob@example.com");
		expect(out).toMatch(/^mail \[EMAIL:[0-9a-f]{8}\]$/);
	});

	it("hashes the same person written two ways the same, and different people differently", () => {
		const r = createRedactor({ mode: "hash", kinds: [...PII_KINDS] }, "salt");
		expect(r.text("Bob@Example.COM")).toBe(r.text("bob@example.com"));
		expect(r.text("(415) 555-0132")).toBe(r.text("415.555.0132"));
		expect(r.text("4111-1111-1111-1111")).toBe(r.text("4111 1111 1111 1111"));
		expect(r.text("alice@example.com")).not.toBe(r.text("bob@example.com"));
	});

	it("hashes with the project's salt, so hashes cannot be joined across projects", () => {
		const config = { mode: "hash", kinds: [...PII_KINDS] } as const;
		const a = createRedactor({ ...config, kinds: [...config.kinds] }, "salt-a").text("bob@example.com");
		const b = createRedactor({ ...config, kinds: [...config.kinds] }, "salt-b").text("bob@example.com");
		expect(a).not.toBe(b);
	});

	it("keeps text unchanged when mode is off", () => {
		expect(createRedactor({ mode: "off", kinds: [...PII_KINDS] }, "salt").text(sample)).toBe(sample);
	});

	it("redacts only the configured kinds", () => {
		const r = createRedactor({ mode: "redact", kinds: ["email"] }, "salt");
		expect(r.text("bob@example.com +1-415-555-0132")).toBe("[EMAIL] +1-415-555-0132");
	});

	it("leaves its own output alone when run twice", () => {
		const r = createRedactor(DEFAULT_PRIVACY, "salt");
		const once = r.text(sample + ' "password": "hunter22"');
		expect(r.text(once)).toBe(once);
	});

	describe("identifier", () => {
		it("replaces an id holding an email with a stable user: hash, even in redact mode", () => {
			const r = createRedactor(DEFAULT_PRIVACY, "salt");
			const id = r.identifier("bob@example.com");
			expect(id).toMatch(/^user:[0-9a-f]{16}$/);
			expect(createRedactor(DEFAULT_PRIVACY, "salt").identifier("bob@example.com")).toBe(id);
		});

		it("keeps distinct users distinct", () => {
			const r = createRedactor(DEFAULT_PRIVACY, "salt");
			expect(r.identifier("alice@example.com")).not.toBe(r.identifier("bob@example.com"));
		});

		it("gives the same user a different hash under another salt", () => {
			expect(createRedactor(DEFAULT_PRIVACY, "salt-a").identifier("bob@example.com")).not.toBe(
				createRedactor(DEFAULT_PRIVACY, "salt-b").identifier("bob@example.com"),
			);
		});

		it("keeps ids without personal data as they are", () => {
			const r = createRedactor(DEFAULT_PRIVACY, "salt");
			for (const id of ["usr_8f3a2b", "42", "conv-2024-01-15-0001", "123e4567-e89b-12d3-a456-426614174000"]) {
				expect(r.identifier(id)).toBe(id);
			}
		});

		it("keeps everything when mode is off", () => {
			expect(createRedactor({ mode: "off", kinds: [...PII_KINDS] }, "salt").identifier("bob@example.com")).toBe("bob@example.com");
		});

		it("hashes a phone-number id too", () => {
			expect(createRedactor(DEFAULT_PRIVACY, "salt").identifier("+14155550132")).toMatch(/^user:[0-9a-f]{16}$/);
		});
	});

	describe("value", () => {
		it("redacts every string in nested objects and arrays, keeping keys and other values", () => {
			const r = createRedactor(DEFAULT_PRIVACY, "salt");
			const input = {
				"bob@example.com": "key kept",
				traits: { email: "bob@example.com", age: 42, vip: true, note: null },
				calls: [{ args: { to: "+1-415-555-0132", cc: ["alice@example.com", "ok"] } }, 7],
			};
			expect(r.value(input)).toEqual({
				"bob@example.com": "key kept",
				traits: { email: "[EMAIL]", age: 42, vip: true, note: null },
				calls: [{ args: { to: "[PHONE]", cc: ["[EMAIL]", "ok"] } }, 7],
			});
		});

		it("never mutates its input", () => {
			const input = { user: { email: "bob@example.com" }, list: ["4111 1111 1111 1111"] };
			const before = structuredClone(input);
			createRedactor(DEFAULT_PRIVACY, "salt").value(input);
			expect(input).toEqual(before);
		});

		it("redacts a bare string and passes primitives through", () => {
			const r = createRedactor(DEFAULT_PRIVACY, "salt");
			expect(r.value("bob@example.com")).toBe("[EMAIL]");
			expect(r.value(12)).toBe(12);
			expect(r.value(null)).toBe(null);
		});

		it("keeps a __proto__ key from JSON as data instead of setting the prototype", () => {
			const input = JSON.parse('{"__proto__": {"email": "bob@example.com"}}') as Record<string, unknown>;
			const out = createRedactor(DEFAULT_PRIVACY, "salt").value(input);
			expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
			expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ email: "[EMAIL]" });
		});

		it("handles nesting deeper than the call stack", () => {
			const depth = 50_000;
			const input = JSON.parse("[".repeat(depth) + '"bob@example.com"' + "]".repeat(depth)) as unknown;
			let node = createRedactor(DEFAULT_PRIVACY, "salt").value(input) as unknown;
			for (let i = 0; i < depth; i++) node = (node as unknown[])[0];
			expect(node).toBe("[EMAIL]");
		});

		it("returns the value untouched when mode is off", () => {
			const input = { email: "bob@example.com" };
			expect(createRedactor({ mode: "off", kinds: [...PII_KINDS] }, "salt").value(input)).toEqual(input);
		});
	});

	it("counts every replaced value by kind across calls", () => {
		const r = createRedactor(DEFAULT_PRIVACY, "salt");
		r.text("a@example.com and b@example.com");
		r.value({ phone: "+1-415-555-0132", card: "4111 1111 1111 1111" });
		r.identifier("c@example.com");
		r.identifier("usr_1");
		expect(r.counts).toEqual({ email: 3, phone: 1, card: 1, api_key: 0, ip: 0, national_id: 0 });
	});
});
