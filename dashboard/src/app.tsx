import type { JSX } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { ProjectView } from "#core/api/project";
import { Layout } from "./components/layout";
import { navigate, useLocation } from "./components/navigation";
import { Empty } from "./components/states";
import { createApiClient } from "./lib/api-client";
import { matchRoute } from "./lib/routes";
import { keyFromFragment, loadSession, saveSession, type Session } from "./lib/session";
import { AskView } from "./views/ask";
import { ConversationView } from "./views/conversation";
import { DeepSearchDetailView } from "./views/deep-search-detail";
import { DeepSearchesView } from "./views/deep-searches";
import { EventDetailView } from "./views/event-detail";
import { EventStream } from "./views/event-stream";
import { IntentsView } from "./views/intents";
import { IssueDetailView } from "./views/issue-detail";
import { IssuesView } from "./views/issues";
import { Overview } from "./views/overview";
import { SearchView } from "./views/search";
import { Settings } from "./views/settings";
import { SignIn } from "./views/sign-in";

export function App() {
	const url = useLocation();
	const [session, setSession] = useState<Session | null>(() => {
		// A `#key=` link (printed by `npm start`) signs in to this origin's API, then leaves the address bar.
		const fragmentKey = keyFromFragment(location.hash);
		if (!fragmentKey) return loadSession(localStorage);
		history.replaceState(null, "", location.pathname + location.search);
		const fromLink = { key: fragmentKey, baseUrl: location.origin };
		saveSession(localStorage, fromLink);
		return fromLink;
	});
	const [project, setProject] = useState<ProjectView | null>(null);
	const api = useMemo(() => (session ? createApiClient(session) : null), [session]);
	useEffect(() => {
		if (!api) return;
		api.project().then(setProject, (err: { status?: number }) => {
			// A revoked or deleted key signs out; a network blip does not.
			if (err.status === 401 || err.status === 403) signOut();
		});
	}, [api]);

	function signIn(next: Session) {
		saveSession(localStorage, next);
		setSession(next);
		if (matchRoute(location.pathname).name === "signIn") navigate("/", true);
	}
	function signOut() {
		saveSession(localStorage, null);
		setSession(null);
		setProject(null);
	}

	if (!session || !api) return <SignIn onSignedIn={signIn} />;
	const route = matchRoute(url.pathname);
	const isAdmin = project?.key_kind === "admin";
	let page: JSX.Element;
	switch (route.name) {
		case "overview":
		case "signIn":
			page = <Overview api={api} />;
			break;
		case "issues":
			page = <IssuesView api={api} url={url} isAdmin={isAdmin} />;
			break;
		case "issue":
			page = <IssueDetailView api={api} id={route.params.id!} isAdmin={isAdmin} />;
			break;
		case "intents":
			page = <IntentsView api={api} isAdmin={isAdmin} />;
			break;
		case "search":
			page = <SearchView api={api} url={url} />;
			break;
		case "deepSearches":
			page = <DeepSearchesView api={api} keyKind={project?.key_kind ?? null} />;
			break;
		case "deepSearch":
			page = <DeepSearchDetailView key={route.params.id} api={api} id={route.params.id!} keyKind={project?.key_kind ?? null} />;
			break;
		case "ask":
			page = <AskView api={api} />;
			break;
		case "events":
			page = <EventStream api={api} url={url} />;
			break;
		case "event":
			page = <EventDetailView api={api} id={route.params.id!} />;
			break;
		case "conversation":
			page = <ConversationView api={api} id={route.params.id!} />;
			break;
		case "settings":
			page = <Settings api={api} session={session} project={project} />;
			break;
		default:
			page = <Empty title="This page does not exist." />;
	}
	return (
		<Layout project={project} path={url.pathname} onSignOut={signOut}>
			{page}
		</Layout>
	);
}
