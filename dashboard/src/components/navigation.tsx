import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";

const listeners = new Set<() => void>();

export function navigate(path: string, replace = false): void {
	if (replace) history.replaceState(null, "", path);
	else history.pushState(null, "", path);
	for (const listener of listeners) listener();
}

/** The current URL, re-rendering on pushState navigation and on back / forward. */
export function useLocation(): URL {
	const [url, setUrl] = useState(() => new URL(location.href));
	useEffect(() => {
		const update = () => setUrl(new URL(location.href));
		listeners.add(update);
		addEventListener("popstate", update);
		return () => {
			listeners.delete(update);
			removeEventListener("popstate", update);
		};
	}, []);
	return url;
}

export function Link(props: { href: string; class?: string; children: ComponentChildren; title?: string }) {
	return (
		<a
			href={props.href}
			class={props.class}
			title={props.title}
			onClick={(e) => {
				if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
				e.preventDefault();
				navigate(props.href);
			}}
		>
			{props.children}
		</a>
	);
}
