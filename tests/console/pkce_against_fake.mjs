// pkce.js against a real HTTP server speaking the Hosted UI's protocol (tests/support/cognito_fake.py,
// started by test_pkce_js.py, which passes config.json's "auth" object in VIDEOGEN_TEST_AUTH). Node's own
// fetch does the HTTP; only sessionStorage and location are stand-ins. Prints the tokens' JSON on success.
import assert from "node:assert/strict";

import { beginSignIn, completeSignIn, refreshTokens, signOutUrl } from "../../layers/console/site/assets/pkce.js";

const auth = JSON.parse(process.env.VIDEOGEN_TEST_AUTH);
const items = new Map();
globalThis.sessionStorage = {
  getItem: (key) => (items.has(key) ? items.get(key) : null),
  setItem: (key, value) => items.set(key, String(value)),
  removeItem: (key) => items.delete(key),
};
const assigned = [];
globalThis.location = { href: auth.redirect_uri, assign: (url) => assigned.push(url) };

// The browser goes to the Hosted UI and a person fills in its form
const authorizeUrl = await beginSignIn(auth);
assert.deepEqual(assigned, [authorizeUrl]);
const page = await (await fetch(authorizeUrl)).text();
const action = page.match(/<form method="post" action="([^"]+)"/)[1].replaceAll("&amp;", "&");
const login = await fetch(new URL(action, authorizeUrl), {
  method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({ username: "alice@example.com", password: "Correct-Horse-1" }),
  redirect: "manual",
});
assert.equal(login.status, 302);
const back = login.headers.get("location");

// Back on the console: the code becomes tokens, once
const tokens = await completeSignIn(auth, back);
assert.ok(tokens.idToken.split(".").length === 3);
assert.ok(tokens.refreshToken);
assert.ok(tokens.expiresAt > Date.now());
await assert.rejects(completeSignIn(auth, back), { code: "state_mismatch" });
const fresh = await refreshTokens(auth, tokens.refreshToken);
assert.equal(fresh.refreshToken, tokens.refreshToken);
const out = await fetch(signOutUrl(auth), { redirect: "manual" });
assert.equal(out.status, 302);
assert.equal(out.headers.get("location"), auth.redirect_uri);
console.log(JSON.stringify({ idToken: tokens.idToken, refreshedIdToken: fresh.idToken }));
