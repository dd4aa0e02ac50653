// The console's shell: configuration, signing in, the router, the banner and the confirm dialog.
import * as api from "./api.js";
import * as auth from "./auth.js";
import { fill, h, replace } from "./dom.js";

const main = document.getElementById("main");
const banner = document.getElementById("banner");
const pages = {
  signin: () => import("./signin.js"),
  projects: () => import("./projects.js"),
  editor: () => import("./editor.js"),
  project: () => import("./project.js"),
};

const state = { config: null, settings: null, cleanup: null, serial: 0, signInMessage: "" };

function route() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = hash.split("?");
  const params = new URLSearchParams(query);
  if (path === "/signin") return { page: "signin", params };
  if (path === "/new") return { page: "editor", params };
  const project = /^\/projects\/([0-9a-f]{32})$/.exec(path);
  if (project) return { page: "project", params, id: project[1] };
  const edit = /^\/projects\/([0-9a-f]{32})\/edit$/.exec(path);
  if (edit) return { page: "editor", params, id: edit[1] };
  return { page: "projects", params };
}

export function navigate(hash) {
  if (location.hash === hash) show();
  else location.hash = hash;
}

function showBanner(message, retry) {
  replace(
    banner,
    h("span", {}, message),
    retry ? h("button", { type: "button", class: "secondary", onclick: () => { hideBanner(); retry(); } }, "Retry") : null,
  );
  banner.hidden = false;
}

function hideBanner() {
  banner.hidden = true;
  banner.replaceChildren();
}

/** An error block for a failed API call: its message, code and request id; null for network errors,
 *  which get the retry banner instead (the page keeps what it shows). */
export function problem(error, retry) {
  if (error instanceof api.NetworkError) {
    showBanner(error.message, retry);
    return null;
  }
  if (error instanceof api.ApiError) {
    if (error.status === 401) return null; // the sign-in page takes over
    return h(
      "div",
      { class: "error", role: "alert" },
      h("p", {}, h("strong", {}, error.message)),
      h(
        "p",
        { class: "muted small" },
        `${error.code}`,
        error.requestId ? ` · request id ${error.requestId}` : "",
      ),
    );
  }
  console.error(error);
  return h("div", { class: "error", role: "alert" }, h("p", {}, "Something went wrong in the console. Reload the page."));
}

/** Ask before something that cannot be undone; resolves true when confirmed. */
export function confirmAction(title, text, ok = "Delete") {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-ok").textContent = ok;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.returnValue = "cancel";
    dialog.showModal();
  });
}

/** The settings catalogue (GET /settings), read once per page load. */
export async function settingsCatalogue() {
  if (!state.settings) state.settings = (await api.get("/settings")).data;
  return state.settings;
}

export function flash(message) {
  sessionStorage.setItem("videogen.flash", message);
}

function takeFlash() {
  const message = sessionStorage.getItem("videogen.flash");
  sessionStorage.removeItem("videogen.flash");
  return message;
}

async function show() {
  const serial = ++state.serial;
  if (state.cleanup) state.cleanup();
  state.cleanup = null;
  hideBanner();
  const target = route();
  await auth.bearer(state.config); // renews a deployed session's ID token when it is about to expire
  if (serial !== state.serial) return;
  const session = auth.current();
  const nav = document.getElementById("nav");
  nav.hidden = !session;
  document.getElementById("who").textContent = session ? `Signed in as ${session.owner}` : "";
  if (!session && target.page !== "signin") {
    location.replace("#/signin");
    return;
  }
  if (session && target.page === "signin") {
    location.replace("#/");
    return;
  }
  let module;
  try {
    module = await pages[target.page]();
  } catch (error) {
    showBanner("The console could not load this page: check your connection, then retry.", show);
    return;
  }
  if (serial !== state.serial) return;
  const notice = takeFlash();
  const context = {
    config: state.config,
    params: target.params,
    id: target.id,
    signInMessage: state.signInMessage,
    isCurrent: () => serial === state.serial,
    notice,
  };
  state.signInMessage = "";
  main.replaceChildren();
  try {
    state.cleanup = (await module.render(main, context)) || null;
  } catch (error) {
    const block = problem(error, show);
    if (block) fill(main, block);
  }
  if (serial === state.serial) {
    const heading = main.querySelector("h1");
    (heading || main).setAttribute("tabindex", "-1");
    (heading || main).focus({ preventScroll: false });
  }
}

function signedOut(message) {
  auth.forget();
  state.signInMessage = message;
  if (route().page === "signin") show();
  else location.replace("#/signin");
}

async function start() {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (!response.ok) throw new Error(String(response.status));
    state.config = await response.json();
  } catch {
    replace(main, h("p", { class: "error", role: "alert" }, "The console's configuration could not be read."));
    showBanner("Cannot reach videogen: check your connection, then retry.", () => location.reload());
    return;
  }
  api.configure({
    base: state.config.api_base,
    token: () => auth.bearer(state.config),
    unauthorized: () => signedOut("Your session has ended: sign in again."),
  });
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  const cognito = state.config.auth.kind === "cognito";
  if (token || (cognito && (url.searchParams.has("code") || url.searchParams.has("error")))) {
    // The link's secrets leave the address bar (and the history) before anything else runs.
    history.replaceState(null, "", url.pathname + (location.hash || "#/"));
    try {
      if (token) await auth.signInWithToken(token);
      else await auth.completeCognito(state.config.auth, url.href);
    } catch (error) {
      auth.forget();
      state.signInMessage = error.message;
      location.replace("#/signin");
    }
  }
  document.getElementById("sign-out").addEventListener("click", async () => {
    const next = await auth.signOut(state.config);
    if (next) location.assign(next);
    else signedOut("You have signed out.");
  });
  // The skip link moves focus, not the route (the hash is the router's).
  document.querySelector(".skip").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  window.addEventListener("hashchange", show);
  await show();
}

start();
