import type { AskLink } from "#core/api/ask";
import { pathFor } from "./routes";

/**
 * Ask's answer is short markdown from a model: paragraphs, lists, **bold**, `code` and links. The API
 * has already linked only what the tools returned (core/assistant/answer-links.ts); here a link is a
 * link only if it is one of the answer's `links`, and it opens the dashboard's own page. Nothing of the
 * text is ever read as HTML.
 */
export type Inline = { text: string } | { strong: string } | { code: string } | { label: string; href: string; title?: string };
export type Block = { paragraph: Inline[] } | { list: Inline[][]; ordered: boolean };

const PAGE = { issue: "issue", event: "event", conversation: "conversation" } as const;

/** The dashboard path of a link the answer used. */
export const linkPath = (link: AskLink) => pathFor(PAGE[link.kind], { id: link.id });

const INLINE = /\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*|`([^`\n]+)`/g;

export function inlineParts(text: string, links: readonly AskLink[]): Inline[] {
	const byUrl = new Map(links.map((l) => [l.url, l]));
	const out: Inline[] = [];
	const push = (part: Inline) => {
		const last = out.at(-1);
		if ("text" in part && last && "text" in last) last.text += part.text;
		else if (!("text" in part) || part.text) out.push(part);
	};
	let at = 0;
	for (const m of text.matchAll(INLINE)) {
		push({ text: text.slice(at, m.index) });
		const [, label, url, strong, code] = m;
		const link = url ? byUrl.get(url) : undefined;
		if (label !== undefined) push(link ? { label, href: linkPath(link), ...(link.title ? { title: link.title } : {}) } : { text: label });
		else if (strong !== undefined) push({ strong });
		else push({ code: code! });
		at = m.index + m[0].length;
	}
	push({ text: text.slice(at) });
	return out;
}

const BULLET = /^\s*(?:[-*•]|(\d+)[.)])\s+/;

export function answerBlocks(answer: string, links: readonly AskLink[]): Block[] {
	type Raw = { paragraph: string } | { list: string[]; ordered: boolean };
	const raw: Raw[] = [];
	for (const chunk of answer.split(/\n\s*\n/)) {
		let paragraph: string[] = [];
		const flush = () => {
			if (paragraph.length) raw.push({ paragraph: paragraph.join(" ") });
			paragraph = [];
		};
		for (const line of chunk.split("\n")) {
			const last = raw.at(-1);
			const bullet = BULLET.exec(line);
			if (bullet) {
				flush();
				const item = line.slice(bullet[0].length).trim();
				if (last && "list" in last && last.ordered === Boolean(bullet[1])) last.list.push(item);
				else raw.push({ list: [item], ordered: Boolean(bullet[1]) });
			} else if (!paragraph.length && last && "list" in last && /^\s{2,}\S/.test(line)) {
				// A wrapped list item continues the item above it.
				last.list[last.list.length - 1] += ` ${line.trim()}`;
			} else if (line.trim()) paragraph.push(line.trim());
		}
		flush();
	}
	return raw.map((b) =>
		"paragraph" in b ? { paragraph: inlineParts(b.paragraph, links) } : { list: b.list.map((item) => inlineParts(item, links)), ordered: b.ordered },
	);
}

/** An MCP client's configuration for this instance (Claude Desktop, Cursor and others read this shape). */
export function mcpClientConfig(mcpUrl: string): string {
	return JSON.stringify({ mcpServers: { barometer: { url: mcpUrl, headers: { Authorization: "Bearer <your read key>" } } } }, null, 2);
}
