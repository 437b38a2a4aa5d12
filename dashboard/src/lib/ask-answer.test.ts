import { describe, expect, it } from "vitest";
import type { AskLink } from "#core/api/ask";
import { answerBlocks, inlineParts, mcpClientConfig } from "./ask-answer";

const issue: AskLink = { kind: "issue", id: "iss_1", title: "Contacts refusal", url: "https://dash.test/issues/iss_1" };
const convo: AskLink = { kind: "conversation", id: "c/7", url: "https://dash.test/conversations/c%2F7" };

describe("Ask's answer as the dashboard shows it", () => {
	it("links only the answer's own links, to the dashboard's pages", () => {
		expect(
			inlineParts("See [the issue](https://dash.test/issues/iss_1), [a talk](https://dash.test/conversations/c%2F7) and [this](https://evil.test/x).", [
				issue,
				convo,
			]),
		).toEqual([
			{ text: "See " },
			{ label: "the issue", href: "/issues/iss_1", title: "Contacts refusal" },
			{ text: ", " },
			{ label: "a talk", href: "/conversations/c%2F7" },
			{ text: " and this." },
		]);
	});

	it("reads bold and code, and never HTML", () => {
		expect(inlineParts("**35.6%** of users (`list_issues`) <img src=x onerror=alert(1)>", [])).toEqual([
			{ strong: "35.6%" },
			{ text: " of users (" },
			{ code: "list_issues" },
			{ text: ") <img src=x onerror=alert(1)>" },
		]);
	});

	it("splits paragraphs and lists, bulleted or numbered", () => {
		const blocks = answerBlocks(
			"Two issues got worse:\n- [Contacts](https://dash.test/issues/iss_1): 4 users\n  since the switch\n- Dates: 2 users\n\n1. first\n2. second\n\nThat is all.",
			[issue],
		);
		expect(blocks).toEqual([
			{ paragraph: [{ text: "Two issues got worse:" }] },
			{
				list: [[{ label: "Contacts", href: "/issues/iss_1", title: "Contacts refusal" }, { text: ": 4 users since the switch" }], [{ text: "Dates: 2 users" }]],
				ordered: false,
			},
			{ list: [[{ text: "first" }], [{ text: "second" }]], ordered: true },
			{ paragraph: [{ text: "That is all." }] },
		]);
	});

	it("gives an MCP client config with the URL and a placeholder for the read key", () => {
		const config = JSON.parse(mcpClientConfig("http://localhost:8787/mcp"));
		expect(config.mcpServers.barometer).toEqual({ url: "http://localhost:8787/mcp", headers: { Authorization: "Bearer <your read key>" } });
	});
});
