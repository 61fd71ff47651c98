// The application shell: restores the session from the stored token, routes between pages, and
// draws the header (navigation, who is logged in, log out) and the default-credentials banner.
import type { Argilla, Permission } from '@argilla-ts/client';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { Notice } from './components.js';
import { AuditPage } from './pages/AuditPage.js';
import { DatasetPage, parseDatasetPath } from './pages/DatasetPage.js';
import { HomePage } from './pages/HomePage.js';
import { LoginPage } from './pages/LoginPage.js';
import { ProfilePage } from './pages/ProfilePage.js';
import { UsersPage } from './pages/UsersPage.js';
import { WorkspacesPage } from './pages/WorkspacesPage.js';
import { can, canAny } from './permissions.js';
import { navigate, useRoute, type Route } from './router.js';
import { forgetSession, logOut, makeClient, storedToken, type Me } from './session.js';

export interface PageProps {
  client: Argilla;
  me: Me;
  route: Route;
  /** fetch the user again (after a change to it) */
  refreshMe: () => Promise<void>;
  /** end the session and go to the login page with this message */
  endSession: (notice: string) => void;
}

interface Session {
  client: Argilla;
  me: Me;
}

interface PageEntry {
  title: string;
  /** the label of its entry in the navigation */
  nav: string;
  /** the page is open to users holding any one of these; everyone when absent */
  needs?: readonly Permission[];
  render: (props: PageProps) => preact.JSX.Element;
}

/** The pages, in the order of the navigation. */
const PAGES: Record<string, PageEntry> = {
  '/home': { title: 'Home', nav: 'Home', render: (props) => <HomePage {...props} /> },
  '/profile': { title: 'Profile', nav: 'Profile', render: (props) => <ProfilePage {...props} /> },
  '/users': { title: 'Users', nav: 'Users', needs: ['users.read'], render: (props) => <UsersPage {...props} /> },
  '/workspaces': {
    title: 'Workspaces',
    nav: 'Workspaces',
    needs: ['workspaces.manage', 'memberships.manage'],
    render: (props) => <WorkspacesPage {...props} />,
  },
  '/audit': { title: 'Audit log', nav: 'Audit log', needs: ['audit.read'], render: (props) => <AuditPage {...props} /> },
};

/** A dataset's page (#/datasets/<workspace>/<name>): reached from the home page, not from the navigation. */
const DATASET_PAGE: PageEntry = { title: 'Dataset', nav: 'Home', needs: ['datasets.read'], render: (props) => <DatasetPage {...props} /> };

/** The page an address shows, if any. */
function pageAt(path: string): PageEntry | undefined {
  if (Object.hasOwn(PAGES, path)) return PAGES[path];
  return parseDatasetPath(path) ? DATASET_PAGE : undefined;
}

/** The address to come back to after logging in: the page with its query (filters, position). */
function returnAddress(path: string, query: string): Record<string, string> {
  if (path === '/login' || path === '/home') return {};
  return { next: query ? `${path}?${query}` : path };
}

function mayOpen(me: Me, page: PageEntry): boolean {
  return page.needs === undefined || canAny(me, page.needs);
}

export function App() {
  const route = useRoute();
  // undefined: still checking the stored token; null: logged out.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [loginNotice, setLoginNotice] = useState<string | undefined>();
  const sessionRef = useRef<Session | null | undefined>(undefined);
  sessionRef.current = session;

  const endSession = useCallback((notice?: string) => {
    forgetSession();
    if (sessionRef.current === null) return;
    sessionRef.current = null;
    setSession(null);
    setLoginNotice(notice);
    const { path, query } = parseCurrent();
    navigate('/login', returnAddress(path, query), { replace: true });
  }, []);

  const newClient = useCallback(
    (token: string | undefined) => makeClient(token, () => endSession('Your session has ended (it expired or was closed elsewhere): log in again.')),
    [endSession],
  );

  // At start: a stored token resumes the session if the server still accepts it.
  useEffect(() => {
    const token = storedToken();
    if (token === undefined) {
      setSession(null);
      return;
    }
    const client = newClient(token);
    client
      .whoami()
      .then((me) => setSession({ client, me: me as Me }))
      .catch(() => {
        // 401 already ended the session; anything else (server down) shows the login page too.
        if (sessionRef.current !== null) {
          setSession(null);
          setLoginNotice('Could not reach the server to resume your session. Log in again.');
        }
      });
  }, [newClient]);

  // Logged out: every page but the login page sends there (and back after logging in).
  useEffect(() => {
    if (session === null && route.path !== '/login') {
      navigate('/login', returnAddress(route.path, route.params.toString()), { replace: true });
    }
    if (session && (route.path === '/login' || !pageAt(route.path))) navigate('/home', {}, { replace: true });
  }, [session, route.path]);

  // Each page change checks the session and refreshes the user (role, workspaces, banner).
  const refreshMe = useCallback(async () => {
    const current = sessionRef.current;
    if (!current) return;
    const me = (await current.client.whoami()) as Me;
    if (sessionRef.current === current) setSession({ client: current.client, me });
  }, []);
  // Keyed on the path alone: a refreshed user (a new session value) must not trigger another refresh.
  useEffect(() => {
    if (session) refreshMe().catch(() => {});
    const page = pageAt(route.path);
    const dataset = parseDatasetPath(route.path);
    document.title = dataset ? `${dataset.name} · Argilla` : page ? `${page.title} · Argilla` : route.path === '/login' ? 'Log in · Argilla' : 'Argilla';
  }, [route.path]);

  if (session === undefined) return <p class="loading">Loading…</p>;

  if (session === null) {
    return (
      <LoginPage
        notice={loginNotice}
        onLogin={(client, me) => {
          setLoginNotice(undefined);
          setSession({ client, me });
          navigate(route.params.get('next') ?? '/home', {}, { replace: true });
        }}
        newClient={() => newClient(undefined)}
      />
    );
  }

  const { client, me } = session;
  const page = pageAt(route.path);
  const props: PageProps = { client, me, route, refreshMe, endSession: (notice) => endSession(notice) };
  const logout = async () => {
    sessionRef.current = null;
    await logOut(client);
    setSession(null);
    setLoginNotice('You are logged out.');
    navigate('/login', {}, { replace: true });
  };

  return (
    <div class="shell">
      <button type="button" class="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <a class="brand" href="#/home">
          Argilla
        </a>
        <nav aria-label="Main">
          <ul>
            {Object.entries(PAGES)
              .filter(([, entry]) => mayOpen(me, entry))
              .map(([path, entry]) => (
                <NavLink key={path} path={path} current={parseDatasetPath(route.path) ? '/home' : route.path} label={entry.nav} />
              ))}
          </ul>
        </nav>
        <div class="whoami">
          <span>
            <span class="visually-hidden">Logged in as </span>
            <strong data-testid="current-user">{me.username}</strong> <span class="role-badge">{me.role}</span>
          </span>
          <button type="button" class="secondary" onClick={logout}>
            Log out
          </button>
        </div>
      </header>
      {can(me, 'users.manage') && me.default_credentials_in_use ? (
        <div class="banner" role="alert" data-testid="default-credentials-banner">
          <strong>Warning:</strong> the default admin credentials (user <code>argilla</code>, password <code>1234</code> or API key{' '}
          <code>argilla.apikey</code>) still work, so anyone can log in as admin. Change that password and revoke the default API key:{' '}
          {me.username === 'argilla' ? (
            <a href="#/profile">on your profile page</a>
          ) : (
            <span>
              reset the password of user argilla on the <a href="#/users?q=argilla">Users page</a>, and revoke its key while logged in as argilla
            </span>
          )}
          .
        </div>
      ) : null}
      <main id="main" tabIndex={-1}>
        {page && mayOpen(me, page) ? (
          <page.render key={route.path} {...props} />
        ) : page ? (
          <Notice kind="error">Your role does not give access to this page.</Notice>
        ) : (
          <p>Loading…</p>
        )}
      </main>
    </div>
  );
}

function NavLink({ path, current, label }: { path: string; current: string; label: string }) {
  return (
    <li>
      <a href={`#${path}`} aria-current={current === path ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
}

function parseCurrent(): { path: string; query: string } {
  const raw = location.hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  return { path: path || '/home', query };
}
