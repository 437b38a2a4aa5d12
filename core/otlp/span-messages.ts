/**
 * Chat messages as the emitters write them, read into one shape: role, text, the tool calls an assistant
 * message requests and the tool results a tool message carries. Handles the GenAI conventions' JSON parts
 * (`{ role, parts: [{ type: "text", content }, { type: "tool_call", id, name, arguments },
 * { type: "tool_call_response", id, response }] }`), OpenAI's request shape (`{ role, content, tool_calls,
 * tool_call_id }`), the Vercel AI SDK's (`{ role, content: [{ type: "text", text }, { type: "tool-call" },
 * { type: "tool-result" }] }`) and OpenInference's flattened `llm.input_messages.N.message.*` attributes.
 */

export interface ToolRequest {
	id?: string;
	name: string;
	input?: unknown;
}

export interface ToolResult {
	id?: string;
	name?: string;
	output: unknown;
	error?: string;
}

export interface Message {
	role?: string;
	text?: string;
	toolCalls: ToolRequest[];
	toolResults: ToolResult[];
}

/** Messages are parsed from attribute text: nesting is not bounded by the request's validation. */
const MAX_DEPTH = 8;

export function str(v: unknown): string | undefined {
	if (v === undefined || v === null) return undefined;
	if (typeof v === "string") return v;
	try {
		return JSON.stringify(v);
	} catch {
		return String(v); // nested too deep for JSON.stringify
	}
}

const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** JSON text → value; text that is not JSON stays text. */
export function parseJson(v: unknown): unknown {
	if (typeof v !== "string") return v;
	const t = v.trim();
	if (!t.startsWith("{") && !t.startsWith("[")) return v;
	try {
		return JSON.parse(t);
	} catch {
		return v;
	}
}

function partText(p: unknown, depth: number): string {
	if (typeof p === "string") return p;
	const o = obj(p);
	if (!o) return "";
	const type = o.type;
	if (type !== undefined && type !== "text" && type !== "input_text" && type !== "output_text") return "";
	return str(o.content) ?? str(o.text) ?? (o.message && depth < MAX_DEPTH ? (readMessage(o.message, depth + 1).text ?? "") : "");
}

function readParts(list: unknown[], msg: Message, depth: number) {
	const text = list.map((p) => partText(p, depth)).join("");
	if (text) msg.text = (msg.text ?? "") + text;
	for (const p of list) {
		const o = obj(p);
		if (!o) continue;
		if ((o.type === "tool_call" || o.type === "tool-call" || o.type === "function_call") && (o.name ?? o.toolName)) {
			msg.toolCalls.push({ id: str(o.id ?? o.toolCallId ?? o.call_id), name: String(o.name ?? o.toolName), input: o.arguments ?? o.input ?? o.args });
		}
		if (o.type === "tool_call_response" || o.type === "tool-result" || o.type === "function_call_output") {
			const output = o.response ?? o.output ?? o.result;
			const inner = obj(output);
			const error = inner?.type === "error-text" || inner?.type === "error-json" ? str(inner.value) : undefined;
			msg.toolResults.push({ id: str(o.id ?? o.toolCallId ?? o.call_id), name: str(o.toolName ?? o.name), output: inner?.value ?? output, error });
		}
	}
}

/** One message in any of the shapes above. */
export function readMessage(m: unknown, depth = 0): Message {
	const msg: Message = { toolCalls: [], toolResults: [] };
	if (typeof m === "string") return { ...msg, text: m };
	const o = obj(m);
	if (!o) return msg;
	msg.role = typeof o.role === "string" ? o.role : undefined;
	if (Array.isArray(o.parts)) readParts(o.parts, msg, depth);
	if (msg.text === undefined && typeof o.content === "string") msg.text = o.content;
	else if (Array.isArray(o.content)) readParts(o.content, msg, depth);
	if (msg.text === undefined && o.message && depth < MAX_DEPTH) {
		const inner = readMessage(o.message, depth + 1);
		return { ...inner, role: msg.role ?? inner.role };
	}
	// OpenAI's request shape: tool_calls on an assistant message, tool_call_id on a tool message.
	if (Array.isArray(o.tool_calls)) {
		for (const c of o.tool_calls) {
			const fn = obj(obj(c)?.function);
			if (fn?.name) msg.toolCalls.push({ id: str(obj(c)?.id), name: String(fn.name), input: fn.arguments });
		}
	}
	if (msg.role === "tool" && msg.toolResults.length === 0 && (o.tool_call_id || msg.text !== undefined))
		msg.toolResults.push({ id: str(o.tool_call_id), output: msg.text ?? o.content });
	return msg;
}

/** A list of messages from an attribute value (JSON text, an array, one message, or plain text: a user message). */
export function readMessages(v: unknown): Message[] {
	if (v === undefined || v === null) return [];
	const parsed = parseJson(v);
	if (typeof parsed === "string") return [{ role: "user", text: parsed, toolCalls: [], toolResults: [] }];
	const o = obj(parsed);
	// A request body ({ model, messages }) or the Vercel AI SDK's ai.prompt ({ system, prompt } or { messages }).
	if (o && Array.isArray(o.messages)) return readMessages(o.messages);
	if (o && typeof o.prompt === "string") return [{ role: "user", text: o.prompt, toolCalls: [], toolResults: [] }];
	if (o && Array.isArray(o.prompt)) return readMessages(o.prompt);
	const list = Array.isArray(parsed) ? parsed : o ? [o] : [];
	return list.filter((m) => m && typeof m === "object").map((m) => readMessage(m));
}

/**
 * Messages flattened into attributes under a prefix: `llm.input_messages.0.message.role`,
 * `.message.content`, `.message.contents.0.message_content.text`, `.message.tool_calls.0.tool_call.function.name`.
 */
export function readFlatMessages(attrs: Map<string, unknown>, prefix: string): Message[] {
	const found = new Map<number, Map<string, unknown>>();
	const head = `${prefix}.`;
	for (const [k, v] of attrs) {
		if (!k.startsWith(head)) continue;
		const rest = k.slice(head.length);
		const dot = rest.indexOf(".");
		const n = Number(rest.slice(0, dot));
		if (dot < 1 || !Number.isInteger(n) || n < 0 || n > 1000) continue;
		if (!found.has(n)) found.set(n, new Map());
		found.get(n)!.set(rest.slice(dot + 1).replace(/^message\./, ""), v);
	}
	return [...found.entries()]
		.sort((a, b) => a[0] - b[0])
		.map(([, m]) => {
			const contents = [...m.entries()]
				.filter(([k]) => /^contents\.\d+\.message_content\.text$/.test(k))
				.sort((a, b) => Number(a[0].split(".")[1]) - Number(b[0].split(".")[1]))
				.map(([, v]) => str(v) ?? "")
				.join("");
			const role = str(m.get("role"));
			const text = str(m.get("content")) ?? (contents || undefined);
			const toolCalls: ToolRequest[] = [];
			for (let i = 0; m.has(`tool_calls.${i}.tool_call.function.name`); i++) {
				toolCalls.push({
					id: str(m.get(`tool_calls.${i}.tool_call.id`)),
					name: String(m.get(`tool_calls.${i}.tool_call.function.name`)),
					input: m.get(`tool_calls.${i}.tool_call.function.arguments`),
				});
			}
			const toolResults: ToolResult[] = role === "tool" ? [{ id: str(m.get("tool_call_id")), output: text }] : [];
			return { role, text, toolCalls, toolResults };
		});
}

/** The last user message's text: what the user said in this turn. */
export const lastUserText = (msgs: Message[]) => msgs.filter((m) => (m.role === "user" || m.role === undefined) && m.text).at(-1)?.text;

/** The assistant's answer: the text of the assistant messages (the last one with text). */
export const assistantText = (msgs: Message[]) => msgs.filter((m) => (m.role === "assistant" || m.role === undefined) && m.text).at(-1)?.text;
