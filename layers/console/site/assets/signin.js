// The sign-in page: why the browser is here (an expired link, an ended session), and how to sign in.
import * as auth from "./auth.js";
import { fill, h } from "./dom.js";
import { navigate } from "./app.js";

export function render(main, { config, signInMessage }) {
  const message = signInMessage ? h("p", { class: "error", role: "alert", id: "signin-message" }, signInMessage) : null;
  if (config.auth.kind === "cognito") {
    const button = h("button", { type: "button", onclick: () => auth.beginCognito(config.auth) }, "Sign in");
    fill(main, 
      h("section", { class: "narrow" }, h("h1", {}, "Sign in to videogen"), message,
        h("p", {}, "You will sign in on videogen's account page and come straight back."), button),
    );
    return;
  }
  const status = h("p", { role: "status", class: "muted", id: "signin-status" });
  const key = h("input", {
    id: "api-key", name: "api-key", type: "password", autocomplete: "off", required: true, spellcheck: "false",
    "aria-describedby": "api-key-hint",
  });
  const form = h(
    "form",
    {
      class: "stack",
      onsubmit: async (event) => {
        event.preventDefault();
        status.textContent = "Signing in…";
        try {
          await auth.signInWithKey(key.value.trim());
          navigate("#/");
        } catch (error) {
          status.textContent = "";
          status.className = "error";
          status.textContent = error.message;
        }
      },
    },
    h("label", { for: "api-key" }, "API key"),
    key,
    h("p", { id: "api-key-hint", class: "muted small" }, "A key from ", h("code", {}, "videogen keys add <owner>"), "."),
    h("div", {}, h("button", { type: "submit" }, "Sign in")),
    status,
  );
  fill(main, 
    h(
      "section",
      { class: "narrow" },
      h("h1", {}, "Sign in to videogen"),
      message,
      h("p", {}, "Open the link ", h("code", {}, "videogen serve"), " printed when it started, or sign in with an API key."),
      form,
    ),
  );
}
