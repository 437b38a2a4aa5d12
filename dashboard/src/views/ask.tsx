import { useEffect, useRef, useState } from "preact/hooks";
import type { AskAnswer } from "#core/api/ask";
import { ASK_EXAMPLES, ASK_QUESTION_CHARS } from "#core/assistant/ask-questions";
import { Link } from "../components/navigation";
import { ErrorState, Loading } from "../components/states";
import { useAsync } from "../components/use-async";
import { type ApiClient, ApiClientError } from "../lib/api-client";
import { answerBlocks, type Inline, mcpClientConfig } from "../lib/ask-answer";

type Run =
	| { state: "idle" }
	| { state: "asking"; question: string }
	| { state: "done"; question: string; answer: AskAnswer }
	| { state: "error"; error: Error };

/**
 * Ask: a question in plain words, answered by Workers AI reading the project's data with the read tools
 * (POST /api/ask). An instance without Workers AI (npm start, offline) says so and shows how to ask from
 * one's own assistant through the MCP server instead.
 */
export function AskView({ api }: { api: ApiClient }) {
	const status = useAsync((signal) => api.askStatus(signal), [api]);
	const [question, setQuestion] = useState("");
	const [run, setRun] = useState<Run>({ state: "idle" });
	const [noLlm, setNoLlm] = useState(false);
	const pending = useRef<AbortController | null>(null);
	useEffect(() => () => pending.current?.abort(), []);

	if (status.status === "loading") return <Loading />;
	if (status.status === "error") return <ErrorState error={status.error} onRetry={status.reload} />;
	const { mcp_url } = status.data;
	if (!status.data.available || noLlm) return <AskOffline mcpUrl={mcp_url} />;

	const tooLong = question.length > ASK_QUESTION_CHARS;
	const fieldError = run.state === "error" && run.error instanceof ApiClientError ? run.error.details.find((d) => d.field === "question") : undefined;
	async function ask(text: string) {
		const q = text.trim();
		if (!q || q.length > ASK_QUESTION_CHARS) return;
		pending.current?.abort();
		const controller = new AbortController();
		pending.current = controller;
		setRun({ state: "asking", question: q });
		try {
			const answer = await api.ask(q, controller.signal);
			setRun({ state: "done", question: q, answer });
		} catch (err) {
			if ((err as Error).name === "AbortError") return;
			if (err instanceof ApiClientError && err.code === "no_llm") setNoLlm(true);
			setRun({ state: "error", error: err as Error });
		}
	}
	return (
		<section class="ask">
			<h1>Ask</h1>
			<p class="lede">
				Ask about your production data in plain words. A model reads it with the same read-only tools as the MCP server; the answer cites its numbers and links
				the issues and conversations it used.
			</p>
			<form
				class="card ask-form"
				onSubmit={(e) => {
					e.preventDefault();
					void ask(question);
				}}
			>
				<label for="ask-question">Question</label>
				<textarea
					id="ask-question"
					rows={3}
					value={question}
					placeholder={ASK_EXAMPLES[0]}
					aria-invalid={tooLong || fieldError ? "true" : undefined}
					aria-describedby="ask-question-hint"
					onInput={(e) => setQuestion(e.currentTarget.value)}
					onKeyDown={(e) => {
						if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
							e.preventDefault();
							void ask(question);
						}
					}}
				/>
				<div class="ask-form-row">
					<span id="ask-question-hint" class={tooLong || fieldError ? "hint error-text" : "hint"}>
						{fieldError ? `The question ${fieldError.message}.` : `${question.length} / ${ASK_QUESTION_CHARS} characters`}
					</span>
					<button type="submit" class="button button-primary" disabled={!question.trim() || tooLong || run.state === "asking"}>
						{run.state === "asking" ? "Asking…" : "Ask"}
					</button>
				</div>
				<div class="ask-examples">
					<span class="hint">Try:</span>
					{ASK_EXAMPLES.map((example) => (
						<button
							key={example}
							type="button"
							class="ask-chip"
							disabled={run.state === "asking"}
							onClick={() => {
								setQuestion(example);
								void ask(example);
							}}
						>
							{example}
						</button>
					))}
				</div>
			</form>
			{run.state === "asking" && <Loading label="Reading the data… (a few tool calls, up to half a minute)" />}
			{run.state === "error" && !fieldError && <ErrorState error={run.error} onRetry={() => void ask(question)} />}
			{run.state === "done" && <AnswerCard question={run.question} answer={run.answer} />}
		</section>
	);
}

function AnswerCard({ question, answer }: { question: string; answer: AskAnswer }) {
	const { usage } = answer;
	return (
		<article class="card ask-answer" data-testid="ask-answer">
			<p class="ask-asked">{question}</p>
			<div class="ask-answer-text">
				{answerBlocks(answer.answer, answer.links).map((block, i) =>
					"paragraph" in block ? (
						<p key={i}>
							<InlineText parts={block.paragraph} />
						</p>
					) : block.ordered ? (
						<ol key={i}>
							{block.list.map((item, j) => (
								<li key={j}>
									<InlineText parts={item} />
								</li>
							))}
						</ol>
					) : (
						<ul key={i}>
							{block.list.map((item, j) => (
								<li key={j}>
									<InlineText parts={item} />
								</li>
							))}
						</ul>
					),
				)}
			</div>
			{answer.stopped === "budget" && (
				<p class="hint">
					The question used its whole budget ({usage.max_steps} model calls or {usage.max_tokens.toLocaleString("en-US")} tokens), so the answer is from what
					the model had read by then. Ask something narrower for more.
				</p>
			)}
			<details class="ask-steps">
				<summary>
					How this was answered: {answer.steps.length} tool {answer.steps.length === 1 ? "call" : "calls"}, {usage.steps} model{" "}
					{usage.steps === 1 ? "call" : "calls"}, {usage.tokens.toLocaleString("en-US")} tokens
				</summary>
				{answer.steps.length === 0 ? (
					<p class="hint">The model answered without reading any data.</p>
				) : (
					<ol class="ask-step-list">
						{answer.steps.map((step, i) => (
							<li key={i}>
								<code>{step.tool}</code> <code class="ask-args">{JSON.stringify(step.arguments)}</code>{" "}
								{step.ok ? <span class="badge badge-positive">ok</span> : <span class="badge badge-negative">{step.error ?? "failed"}</span>}
							</li>
						))}
					</ol>
				)}
				<p class="hint">
					Model <code>{answer.model}</code>; budget {usage.max_steps} model calls and {usage.max_tokens.toLocaleString("en-US")} tokens a question. Tool errors
					went back to the model, which could correct itself.
				</p>
			</details>
		</article>
	);
}

function InlineText({ parts }: { parts: Inline[] }) {
	return (
		<>
			{parts.map((part, i) =>
				"text" in part ? (
					part.text
				) : "strong" in part ? (
					<strong key={i}>{part.strong}</strong>
				) : "code" in part ? (
					<code key={i}>{part.code}</code>
				) : (
					<Link key={i} href={part.href} title={part.title}>
						{part.label}
					</Link>
				),
			)}
		</>
	);
}

function AskOffline({ mcpUrl }: { mcpUrl: string }) {
	const config = mcpClientConfig(mcpUrl);
	return (
		<section class="ask">
			<h1>Ask</h1>
			<div class="card ask-offline" data-testid="ask-offline">
				<h2>This instance has no LLM</h2>
				<p>
					Ask needs Workers AI, which this instance does not have: it runs offline. Ask the same questions from your own AI assistant instead (Claude, Cursor,
					or any MCP client): Barometer's MCP server gives it the same read-only tools over this project's data.
				</p>
				<h3>1. The MCP server</h3>
				<CopyRow text={mcpUrl} label="MCP server URL" testId="ask-mcp-url" />
				<h3>2. Your assistant's configuration</h3>
				<p class="hint">
					With a read key of this project in place of the placeholder (create one in <Link href="/settings">Settings</Link>). README, “MCP”, has the details.
				</p>
				<CopyRow text={config} label="MCP client configuration" testId="ask-mcp-config" block />
				<h3>3. Then ask, for example</h3>
				<ul class="ask-offline-examples">
					{ASK_EXAMPLES.map((example) => (
						<li key={example}>{example}</li>
					))}
				</ul>
			</div>
		</section>
	);
}

function CopyRow({ text, label, testId, block = false }: { text: string; label: string; testId: string; block?: boolean }) {
	const [copied, setCopied] = useState<"yes" | "no" | null>(null);
	const copy = () =>
		navigator.clipboard?.writeText(text).then(
			() => setCopied("yes"),
			() => setCopied("no"),
		) ?? setCopied("no");
	return (
		<div class={block ? "copy-row copy-row-block" : "copy-row"}>
			{block ? <pre data-testid={testId}>{text}</pre> : <code data-testid={testId}>{text}</code>}
			<button type="button" class="button" aria-label={`Copy the ${label}`} onClick={copy}>
				{copied === "yes" ? "Copied" : copied === "no" ? "Select and copy" : "Copy"}
			</button>
		</div>
	);
}
