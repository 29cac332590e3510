// History-API routing under /console/. Pages get the path parameters and a
// way to register cleanup (timers) that runs when the user navigates away.

export const BASE = "/console";

export interface PageContext {
  params: Record<string, string>;
  query: URLSearchParams;
  onLeave(fn: () => void): void;
  /** setQuery changes the URL's query without reloading the page. */
  setQuery(q: Record<string, string | undefined>): void;
}

export type Page = (ctx: PageContext) => Promise<Node> | Node;

interface Route {
  re: RegExp;
  keys: string[];
  page: Page;
  nav: string;
}

const routes: Route[] = [];
let leaving: (() => void)[] = [];
let render: (page: Page, ctx: PageContext, nav: string) => void = () => {};

export function route(pattern: string, nav: string, page: Page) {
  const keys: string[] = [];
  const re = new RegExp("^" + pattern.replace(/:(\w+)/g, (_, k) => (keys.push(k), "([^/]+)")) + "/?$");
  routes.push({ re, keys, page, nav });
}

export function href(path: string) {
  return BASE + path;
}

export function navigate(path: string, replace = false) {
  const url = path.startsWith(BASE) ? path : href(path);
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  dispatch();
}

export function dispatch() {
  for (const fn of leaving) fn();
  leaving = [];
  let path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  if (path === "" || path === "/") {
    navigate("/functions", true);
    return;
  }
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
    const ctx: PageContext = {
      params,
      query: new URLSearchParams(location.search),
      onLeave: (fn) => leaving.push(fn),
      setQuery(q) {
        const u = new URL(location.href);
        for (const [k, v] of Object.entries(q)) {
          if (v === undefined || v === "") u.searchParams.delete(k);
          else u.searchParams.set(k, v);
        }
        history.replaceState(null, "", u.pathname + u.search);
      },
    };
    render(r.page, ctx, r.nav);
    return;
  }
  render(() => notFound(path), { params: {}, query: new URLSearchParams(), onLeave: () => {}, setQuery: () => {} }, "");
}

function notFound(path: string): Node {
  const el = document.createElement("div");
  el.className = "empty";
  el.innerHTML = `<h3>Page not found</h3><p></p><a class="btn" href="${BASE}/functions">Go to functions</a>`;
  el.querySelector("p")!.textContent = `Nothing lives at ${BASE}${path}.`;
  return el;
}

export function start(renderer: typeof render) {
  render = renderer;
  window.addEventListener("popstate", dispatch);
  document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element).closest("a");
    if (!a || a.target || a.hasAttribute("download")) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE + "/")) return;
    e.preventDefault();
    navigate(url.pathname + url.search);
  });
  dispatch();
}
