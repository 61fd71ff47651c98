// Hash routing (#/login, #/home, #/users?q=ann&offset=50): the server serves one index.html and
// the browser's back button, reloads and bookmarks keep the page and its filters.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** e.g. "/users" */
  path: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/home';
  const [path = '/home', query = ''] = raw.split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, params: new URLSearchParams(query) };
}

export function href(path: string, params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '' && !(key === 'offset' && Number(value) === 0)) query.set(key, String(value));
  }
  const search = query.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

export function navigate(path: string, params: Record<string, string | number | undefined> = {}, options: { replace?: boolean } = {}): void {
  const target = href(path, params);
  if (target === location.hash) return;
  if (options.replace) {
    history.replaceState(null, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
