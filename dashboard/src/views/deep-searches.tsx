import { allShownText } from "../lib/list-paging";
import { useState } from "preact/hooks";
import { DEFINITION_MAX_CHARS } from "#core/deep-search/types";
import { Link, navigate } from "../components/navigation";
import { Empty, ErrorState, Loading } from "../components/states";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import type { ProjectView } from "#core/api/project";
import { formErrors, searchStatus } from "../lib/deep-search";
import { relativeTime, truncate } from "../lib/format";
import { pathFor } from "../lib/routes";

/** The signed-in key's kind; null until the project has loaded (nothing read-only is claimed before). */
export type KeyKind = ProjectView["key_kind"];

/** How many searches GET /api/deep-searches lists, newest first. */
const DEEP_SEARCH_LIST_MAX = 200;

/** Deep search: the project's searches, and a form to start one from a problem described in words. */
export function DeepSearchesView({ api, keyKind }: { api: ApiClient; keyKind: KeyKind | null }) {
	const list = useAsync((signal) => api.deepSearches(signal), [api]);
	return (
		<section>
			<h1>Deep search</h1>
			<p class="lede">
				Describe a problem in words, label a few of the events it finds, and get a detector with a measured precision and recall. Save it and it runs on every
				new event, like the built-in signals.
			</p>
			{keyKind === "admin" && <NewDeepSearch api={api} />}
			{keyKind === "read" && <ReadOnlyNote />}
			<h2>Searches</h2>
			{list.status === "loading" && <Loading />}
			{list.status === "error" && <ErrorState error={list.error} onRetry={list.reload} />}
			{list.status === "ready" && list.data.length === 0 && <Empty title="No deep searches yet.">Describe a problem above to start one.</Empty>}
			{list.status === "ready" && list.data.length > 0 && (
				<div class="table-wrap">
					<table class="deep-search-table">
						<thead>
							<tr>
								<th>Definition</th>
								<th>State · signal</th>
								<th class="num col-optional">Threshold</th>
								<th class="col-optional">Updated</th>
							</tr>
						</thead>
						<tbody>
							{list.data.map((s) => {
								const status = searchStatus(s);
								return (
									<tr key={s.id}>
										<td class="definition-cell">
											<Link href={pathFor("deepSearch", { id: s.id })}>{truncate(s.definition, 140)}</Link>
										</td>
										<td>
											<div class="state-cell">
												<span class={`state-badge state-${status.tone}`}>{status.label}</span>
												{s.signal && <code class="signal-name">{s.signal.name}</code>}
											</div>
										</td>
										<td class="num col-optional">{s.threshold.toFixed(2)}</td>
										<td class="hint col-optional">{relativeTime(s.updated_at)}</td>
									</tr>
								);
							})}
						</tbody>
					</table>
				</div>
			)}
			{list.status === "ready" && list.data.length > 0 && (
				<p class="list-end list-end-done" data-testid="list-end">
					{/* The API lists the newest DEEP_SEARCH_LIST_MAX (workers/api/src/stores/deep-search-store.ts). */}
					{list.data.length >= DEEP_SEARCH_LIST_MAX ? `The ${DEEP_SEARCH_LIST_MAX} newest deep searches shown.` : allShownText(list.data.length, "deep search")}
				</p>
			)}
		</section>
	);
}

export function ReadOnlyNote() {
	return (
		<p class="notice notice-info" role="note">
			Signed in with a read key: you can look at deep searches, but starting one, labelling, moving the operating point and saving need an admin key.
		</p>
	);
}

function NewDeepSearch({ api }: { api: ApiClient }) {
	const [definition, setDefinition] = useState("");
	const [busy, setBusy] = useState(false);
	const [errors, setErrors] = useState<ReturnType<typeof formErrors>>({ fields: {}, message: null });
	const submit = async (e: Event) => {
		e.preventDefault();
		setBusy(true);
		setErrors({ fields: {}, message: null });
		try {
			const created = await api.createDeepSearch({ definition });
			navigate(pathFor("deepSearch", { id: created.id }));
		} catch (err) {
			setErrors(formErrors(err));
			setBusy(false);
		}
	};
	const over = definition.length > DEFINITION_MAX_CHARS;
	return (
		<form class="card deep-search-form" onSubmit={submit} noValidate>
			<label for="ds-definition">What are you looking for?</label>
			<textarea
				id="ds-definition"
				rows={3}
				value={definition}
				placeholder="e.g. The assistant says it cannot access the user's calendar, even though it has the calendar tool."
				aria-invalid={errors.fields.definition ? "true" : undefined}
				aria-describedby="ds-definition-help"
				onInput={(e) => setDefinition(e.currentTarget.value)}
			/>
			<div id="ds-definition-help" class="field-foot">
				{errors.fields.definition ? (
					<span class="field-error" role="alert">
						The definition {errors.fields.definition}
					</span>
				) : (
					<span class="hint">One or a few sentences about what the events you want have in common.</span>
				)}
				<span class={over ? "field-error" : "hint"}>
					{definition.length}/{DEFINITION_MAX_CHARS}
				</span>
			</div>
			{errors.message && (
				<p class="field-error" role="alert">
					{errors.message}
				</p>
			)}
			<div>
				<button type="submit" class="button button-primary" disabled={busy}>
					{busy ? "Finding candidates…" : "Find candidates"}
				</button>
			</div>
		</form>
	);
}
