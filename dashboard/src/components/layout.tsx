import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { ProjectView } from "#core/api/project";
import { Link } from "./navigation";

const NAV = [
	{ href: "/", label: "Overview" },
	{ href: "/issues", label: "Issues" },
	{ href: "/intents", label: "Intents" },
	{ href: "/events", label: "Events" },
	{ href: "/search", label: "Search" },
	{ href: "/deep-searches", label: "Deep search" },
	{ href: "/ask", label: "Ask" },
	{ href: "/settings", label: "Settings" },
];

export function Layout(props: { project: ProjectView | null; path: string; onSignOut: () => void; children: ComponentChildren }) {
	const nav = useRef<HTMLElement>(null);
	// On a phone the nav scrolls sideways; keep the current page's item in view.
	useEffect(() => {
		const bar = nav.current;
		const active = bar?.querySelector<HTMLElement>(".nav-item.active");
		if (!bar || !active) return;
		const [a, b] = [active.getBoundingClientRect(), bar.getBoundingClientRect()];
		bar.scrollLeft += a.left - b.left - (b.width - a.width) / 2;
	}, [props.path]);
	return (
		<div class="shell">
			<header class="topbar">
				<Link href="/" class="brand">
					<span class="logo" aria-hidden="true">
						◔
					</span>{" "}
					Barometer
				</Link>
				<nav class="nav" aria-label="Main" ref={nav}>
					{NAV.map((item) => (
						<Link key={item.href} href={item.href} class={isActive(props.path, item.href) ? "nav-item active" : "nav-item"}>
							{item.label}
						</Link>
					))}
				</nav>
				<div class="project">
					{props.project && (
						<span class="project-name" title={props.project.id}>
							{props.project.name}
						</span>
					)}
					<button type="button" class="button button-quiet" onClick={props.onSignOut}>
						Sign out
					</button>
				</div>
			</header>
			<main class="content">{props.children}</main>
		</div>
	);
}

function isActive(path: string, href: string): boolean {
	if (href === "/") return path === "/";
	if (href === "/events") return path.startsWith("/events") || path.startsWith("/conversations");
	return path.startsWith(href);
}
