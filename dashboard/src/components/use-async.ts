import { useCallback, useEffect, useState } from "preact/hooks";

type AsyncState<T> = { status: "loading" } | { status: "error"; error: Error } | { status: "ready"; data: T };

/** Runs `load` when `deps` change, aborting the previous request; `reload` runs it again. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> & { reload: () => void } {
	const [state, setState] = useState<AsyncState<T>>({ status: "loading" });
	const [nonce, setNonce] = useState(0);
	useEffect(() => {
		const controller = new AbortController();
		setState({ status: "loading" });
		load(controller.signal).then(
			(data) => controller.signal.aborted || setState({ status: "ready", data }),
			(error: Error) => controller.signal.aborted || setState({ status: "error", error }),
		);
		return () => controller.abort();
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [...deps, nonce]);
	const reload = useCallback(() => setNonce((n) => n + 1), []);
	return { ...state, reload };
}
