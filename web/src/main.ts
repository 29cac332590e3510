// gureum's web console: the shell (sidebar, server status, credentials)
// and the routes. Every page talks to the server through lib/api.ts only.
import "./styles.css";
import { h, icon, replace } from "./lib/dom";
import { route, start, navigate, href, type Page, type PageContext } from "./lib/router";
import { ApiError, authListeners, clearCredentials, credentials, health, saveCredentials, type Health } from "./lib/api";
import { dialog, errorBox, field, loading, toast } from "./ui/ui";
import { functionsPage, createFunctionPage } from "./pages/functions";
import { machinesPage } from "./pages/machines";

// Pages with editors and graphs load on first use: the lists open without
// CodeMirror, dagre and the language packs.
const lazy = <M>(load: () => Promise<M>, name: keyof M): Page => async (ctx) => ((await load())[name] as Page)(ctx);
const functionPage = lazy(() => import("./pages/function"), "functionPage");
const editMachinePage = lazy(() => import("./pages/machine-edit"), "editMachinePage");
const machinePage = lazy(() => import("./pages/machine"), "machinePage");
const executionPage = lazy(() => import("./pages/execution"), "executionPage");

let server: Health | null = null;
const main = h("main", { id: "main", tabindex: "-1" });
const status = h("div", { class: "server-status" });
const navLinks = {
  functions: h("a", { href: href("/functions"), class: "nav-link" }, icon("fn"), h("span", null, "Functions")),
  states: h("a", { href: href("/states"), class: "nav-link" }, icon("flow"), h("span", null, "State machines")),
};

function shell() {
  const app = document.getElementById("app")!;
  replace(app,
    h("a", { class: "skip", href: "#main" }, "Skip to content"),
    h("div", { class: "layout" },
      h("aside", { class: "sidebar" }, h("div", { class: "sidebar-inner" },
        h("a", { class: "brand", href: href("/functions"), "aria-label": "gureum console home" },
          h("span", { class: "brand-mark" }, icon("cloud", 22)), h("span", { class: "brand-name" }, "gureum"), h("span", { class: "brand-ko", lang: "ko" }, "구름")),
        h("nav", { class: "nav", "aria-label": "Main" }, navLinks.functions, navLinks.states),
        h("div", { class: "sidebar-foot" }, status))),
      main),
    h("div", { id: "toasts", "aria-live": "polite" }));
}

function renderStatus() {
  const c = credentials();
  replace(status,
    h("div", { class: "status-line" }, h("span", { class: `dot ${server?.status === "ok" ? "dot-ok" : "dot-bad"}` }), server ? `gureum ${server.version}` : "server not answering"),
    h("div", { class: "status-line muted" }, server?.auth === "sigv4" ? "SigV4 required" : "loopback: any credentials"),
    h("button", { class: "btn btn-ghost btn-sm creds-btn", onclick: () => credentialsDialog() }, icon("key", 14), h("span", null, `${c.accessKeyId} · ${c.region}`)));
}

async function renderPage(page: Page, ctx: PageContext, nav: string) {
  for (const [k, a] of Object.entries(navLinks)) {
    if (k === nav) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const token = Symbol();
  current = token;
  replace(main, loading());
  try {
    const node = await page(ctx);
    if (current !== token) return;
    replace(main, node);
    const h1 = main.querySelector("h1");
    document.title = `${h1?.textContent ?? "gureum"} · gureum console`;
  } catch (e) {
    if (current !== token) return;
    replace(main, h("div", { class: "page" }, errorBox(e)));
  }
}
let current: symbol | null = null;

let credsOpen: { reason: HTMLElement } | null = null;

function credentialsDialog(reason?: string) {
  if (credsOpen) {
    // one dialog at a time: show the latest reason in the open one
    if (reason) replace(credsOpen.reason, icon("alert"), reason);
    credsOpen.reason.hidden = !reason;
    return;
  }
  const c = credentials();
  const idIn = h("input", { class: "input", value: c.accessKeyId, autocomplete: "username", spellcheck: "false", name: "accessKeyId" });
  const secretIn = h("input", { class: "input", type: "password", value: c.saved ? c.secretAccessKey : "", autocomplete: "current-password", name: "secretAccessKey", placeholder: c.saved ? "" : "secret access key" });
  const regionIn = h("input", { class: "input", value: c.region, spellcheck: "false", name: "region" });
  const remember = h("input", { type: "checkbox", checked: !!localStorage.getItem("gureum.credentials") });
  const reasonBox = h("div", { class: "error-box", role: "alert", id: "credentials-reason", hidden: !reason }, icon("alert"), reason ?? "");
  const form = h("form", { class: "form", id: "credentials-form", onsubmit: (e: Event) => { e.preventDefault(); save(); } },
    reasonBox,
    h("p", { class: "muted" }, server?.auth === "sigv4"
      ? "This server verifies SigV4 signatures. Enter an access key it knows (GUREUM_ACCESS_KEYS); requests are signed in this browser and the secret never leaves it."
      : "This server is bound to a loopback address and accepts any credentials. The region and a 12-digit access key (the account) still apply."),
    field("Access key ID", idIn), field("Secret access key", secretIn), field("Region", regionIn),
    h("label", { class: "check" }, remember, "Remember on this computer (otherwise until the tab closes)"),
    h("button", { type: "submit", hidden: true }));
  let close = () => {};
  credsOpen = { reason: reasonBox };
  const save = () => {
    if (!idIn.value.trim() || !(secretIn.value || c.secretAccessKey)) {
      toast("Enter an access key ID and its secret", "error");
      return;
    }
    saveCredentials({ accessKeyId: idIn.value.trim(), secretAccessKey: secretIn.value || c.secretAccessKey, region: regionIn.value.trim() || "us-east-1" }, remember.checked);
    close();
    renderStatus();
    navigate(location.pathname + location.search, true);
  };
  close = dialog("Credentials", form, (close) => [
    h("button", { class: "btn", onclick: () => { clearCredentials(); close(); renderStatus(); navigate(location.pathname + location.search, true); } }, "Forget"),
    h("button", { class: "btn btn-primary", id: "sign-in", onclick: save }, "Sign in"),
  ], { onClose: () => (credsOpen = null) });
}

authListeners.push((e: ApiError) => credentialsDialog(`${e.code}${e.message ? ": " + e.message : ""}`));

// Keyboard: g f / g s to move between sections, / to search, ? for help.
let pendingG = 0;
document.addEventListener("keydown", (e) => {
  const t = e.target as HTMLElement;
  if (t.closest("input, textarea, select, .cm-editor, [contenteditable]") || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "g") {
    pendingG = Date.now();
    return;
  }
  if (Date.now() - pendingG < 1200) {
    pendingG = 0;
    if (e.key === "f") navigate("/functions");
    if (e.key === "s") navigate("/states");
    return;
  }
  if (e.key === "/") {
    const search = document.querySelector<HTMLInputElement>("input[type=search]");
    if (search) {
      e.preventDefault();
      search.focus();
    }
  }
  if (e.key === "?") {
    dialog("Keyboard shortcuts", h("table", { class: "table shortcuts" }, h("tbody", null,
      ...[["g f", "Functions"], ["g s", "State machines"], ["/", "Search the list"], ["Ctrl+S", "Deploy code / save the definition"], ["Ctrl+Enter", "Run the test event"], ["Esc, then Tab", "Leave a code editor"], ["← →", "Switch tabs"]]
        .map(([k, v]) => h("tr", null, h("td", null, h("kbd", null, k)), h("td", null, v))))), (close) => [h("button", { class: "btn", onclick: close }, "Close")]);
  }
});

route("/functions", "functions", functionsPage);
route("/functions/new", "functions", createFunctionPage);
route("/functions/:name", "functions", functionPage);
route("/states", "states", machinesPage);
route("/states/new", "states", editMachinePage);
route("/states/:name/edit", "states", editMachinePage);
route("/states/:name", "states", machinePage);
route("/states/:name/executions/:exec", "states", executionPage);

shell();
renderStatus();
health()
  .then((hh) => {
    server = hh;
    renderStatus();
    if (hh.auth === "sigv4" && !credentials().saved) credentialsDialog("Sign in: this server requires signed requests.");
  })
  .catch(() => renderStatus())
  .finally(() => start(renderPage));
