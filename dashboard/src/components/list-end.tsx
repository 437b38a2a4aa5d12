import type { ComponentChildren } from "preact";
import { allShownText, pluralOf } from "../lib/list-paging";

/**
 * The foot of a paged list: "Show more" while the API has a next page, then a line saying the list has
 * ended (`children` replaces the default "All 37 issues shown." where the end needs explaining).
 */
export function ListEnd(props: {
	shown: number;
	noun: string;
	hasMore: boolean;
	loading?: boolean;
	error?: Error | null;
	onMore?: () => void;
	children?: ComponentChildren;
}) {
	if (props.hasMore) {
		return (
			<div class="list-end">
				<button type="button" class="button load-more" disabled={props.loading} onClick={props.onMore} data-testid="show-more">
					{props.loading ? "Loading…" : `Show more ${pluralOf(props.noun)}`}
				</button>
				{props.error && (
					<p class="list-end-error" role="alert">
						Could not load more: {props.error.message}
					</p>
				)}
			</div>
		);
	}
	if (props.shown === 0) return null;
	return (
		<p class="list-end list-end-done" data-testid="list-end">
			{props.children ?? allShownText(props.shown, props.noun)}
		</p>
	);
}
