import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { appendPage } from "../lib/list-paging";

export interface Page<T> {
	items: T[];
	next: string | null;
}

type PagesState<P, T> = { status: "loading" } | { status: "error"; error: Error } | { status: "ready"; first: P; items: T[]; next: string | null };

/**
 * A list read page by page through the API's cursor: the first page when `deps` change (aborting the previous
 * request, as useAsync), then `loadMore` appends the next one until the cursor runs out.
 */
export function usePages<P, T>(
	load: (cursor: string | undefined, signal: AbortSignal) => Promise<P>,
	pageOf: (page: P) => Page<T>,
	keyOf: (item: T) => string,
	deps: unknown[],
) {
	const [state, setState] = useState<PagesState<P, T>>({ status: "loading" });
	const [more, setMore] = useState<{ loading: boolean; error: Error | null }>({ loading: false, error: null });
	const [nonce, setNonce] = useState(0);
	const controllerRef = useRef<AbortController | null>(null);
	useEffect(() => {
		const controller = new AbortController();
		controllerRef.current = controller;
		setState({ status: "loading" });
		setMore({ loading: false, error: null });
		load(undefined, controller.signal).then(
			(first) => controller.signal.aborted || setState({ status: "ready", first, ...pageOf(first) }),
			(error: Error) => controller.signal.aborted || setState({ status: "error", error }),
		);
		return () => controller.abort();
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [...deps, nonce]);
	const loadMore = async () => {
		const controller = controllerRef.current;
		if (state.status !== "ready" || !state.next || more.loading || !controller) return;
		setMore({ loading: true, error: null });
		try {
			const page = pageOf(await load(state.next, controller.signal));
			if (controller.signal.aborted) return;
			setState((s) => (s.status === "ready" ? { ...s, items: appendPage(s.items, page.items, keyOf), next: page.next } : s));
			setMore({ loading: false, error: null });
		} catch (error) {
			if (!controller.signal.aborted) setMore({ loading: false, error: error as Error });
		}
	};
	const reload = useCallback(() => setNonce((n) => n + 1), []);
	return { ...state, loadMore, loadingMore: more.loading, moreError: more.error, reload };
}
