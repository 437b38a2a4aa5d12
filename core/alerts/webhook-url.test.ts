import { describe, expect, it } from "vitest";
import { parseIpv6, webhookUrlProblem } from "./webhook-url";

const prod = { allowLocalhost: false };
const dev = { allowLocalhost: true };

describe("webhook URL policy: IPv6 forms of refused addresses", () => {
	it("refuses IPv4-compatible ::a.b.c.d forms of loopback, metadata and private addresses (the URL parser writes them ::7f00:1)", () => {
		for (const url of [
			"https://[::169.254.169.254]/",
			"https://[::127.0.0.1]/",
			"https://[::10.0.0.1]/x",
			"https://[::192.168.1.1]/x",
			"https://[::a9fe:a9fe]/x",
			"https://[::7f00:1]/x",
		]) {
			expect(webhookUrlProblem(url, prod), url).toMatch(/private, loopback, link-local or metadata/);
		}
	});

	it("refuses IPv4-mapped ::ffff:a.b.c.d in dotted and hex form, and IPv4-translated ::ffff:0:a.b.c.d", () => {
		for (const url of [
			"https://[::ffff:127.0.0.1]/x",
			"https://[::ffff:7f00:1]/x",
			"https://[::FFFF:7F00:0001]/x",
			"https://[0:0:0:0:0:ffff:169.254.169.254]/x",
			"https://[::ffff:a9fe:a9fe]/x",
			"https://[::ffff:0:127.0.0.1]/x",
			"https://[::ffff:0:a00:1]/x",
		]) {
			expect(webhookUrlProblem(url, prod), url).toMatch(/private, loopback, link-local or metadata/);
		}
	});

	it("refuses NAT64 64:ff9b::a.b.c.d (well-known and local-use prefixes) and 6to4 of a private IPv4", () => {
		for (const url of [
			"https://[64:ff9b::127.0.0.1]/x",
			"https://[64:ff9b::169.254.169.254]/x",
			"https://[64:ff9b::a00:1]/x",
			"https://[64:ff9b:1::a00:1]/x",
			"https://[2002:7f00:1::]/x",
			"https://[2002:a9fe:a9fe::1]/x",
		]) {
			expect(webhookUrlProblem(url, prod), url).toMatch(/private, loopback, link-local or metadata/);
		}
	});

	it("refuses ::1 and :: in every spelling, link-local fe80::/10, unique local fc00::/7, site-local and multicast", () => {
		for (const url of [
			"https://[::1]/x",
			"https://[0:0:0:0:0:0:0:1]/x",
			"https://[0000:0000:0000:0000:0000:0000:0000:0001]/x",
			"https://[::0:1]/x",
			"https://[::]/x",
			"https://[0:0:0:0:0:0:0:0]/x",
			"https://[fe80::1]/x",
			"https://[FE80::a9fe:a9fe]/x",
			"https://[febf:ffff::1]/x",
			"https://[fc00::1]/x",
			"https://[fd00:ec2::254]/x",
			"https://[fdff:ffff::1]/x",
			"https://[fec0::1]/x",
			"https://[ff02::1]/x",
		]) {
			expect(webhookUrlProblem(url, prod), url).toMatch(/private, loopback, link-local or metadata/);
		}
	});

	it("still accepts public IPv6 addresses and IPv6 forms of public IPv4 addresses", () => {
		for (const url of [
			"https://[2606:4700::1111]/x",
			"https://[2a00:1450:4001:82b::200e]/x",
			"https://[::ffff:8.8.8.8]/x",
			"https://[2002:808:808::1]/x",
			"https://[fe00::1]/x",
		]) {
			expect(webhookUrlProblem(url, prod), url).toBeNull();
		}
	});

	it("refuses a trailing-dot spelling of a refused name (localhost., metadata.google.internal.)", () => {
		for (const url of ["https://localhost./x", "https://metadata.google.internal./x", "https://printer.local./x"]) {
			expect(webhookUrlProblem(url, prod), url).not.toBeNull();
		}
	});

	it("in local development still allows plain http to [::1] and its long spelling, and nothing else over http", () => {
		expect(webhookUrlProblem("http://[::1]:9000/x", dev)).toBeNull();
		expect(webhookUrlProblem("http://[0:0:0:0:0:0:0:1]:9000/x", dev)).toBeNull();
		expect(webhookUrlProblem("http://[::ffff:10.0.0.1]:9000/x", dev)).not.toBeNull();
	});
});

describe("parseIpv6", () => {
	it("reads compressed, full, dotted-tail and bracketed forms into eight groups", () => {
		expect(parseIpv6("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
		expect(parseIpv6("[0:0:0:0:0:0:0:1]")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
		expect(parseIpv6("::")).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
		expect(parseIpv6("::ffff:127.0.0.1")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
		expect(parseIpv6("64:ff9b::10.0.0.1")).toEqual([0x64, 0xff9b, 0, 0, 0, 0, 0xa00, 1]);
		expect(parseIpv6("fe80::1:2")).toEqual([0xfe80, 0, 0, 0, 0, 0, 1, 2]);
		expect(parseIpv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
	});

	it("rejects what is not an IPv6 address", () => {
		for (const text of ["", "1:2:3", "1::2::3", "1:2:3:4:5:6:7:8:9", "::12345", "::1.2.3", "::256.0.0.1", "g::1", "example.com", "1:2:3:4:5:6:7::8"]) {
			expect(parseIpv6(text), text).toBeNull();
		}
	});
});
