// The console's PKCE sign-in (layers/console/site/assets/pkce.js) under Node's test runner, with the
// browser's sessionStorage, location and fetch replaced by stand-ins. Run: node --test tests/console/
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

import {
  SignInError,
  base64url,
  beginSignIn,
  codeChallenge,
  completeSignIn,
  refreshTokens,
  signOutUrl,
  withoutSignInParams,
} from "../../layers/console/site/assets/pkce.js";

const AUTH = {
  kind: "cognito",
  authorize_url: "https://vg-1.auth.us-east-1.amazoncognito.com/oauth2/authorize",
  token_url: "https://vg-1.auth.us-east-1.amazoncognito.com/oauth2/token",
  logout_url: "https://vg-1.auth.us-east-1.amazoncognito.com/logout",
  client_id: "client-123",
  redirect_uri: "https://d1.cloudfront.net/",
  scopes: ["openid", "email", "profile"],
};

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
  removeItem(key) { this.items.delete(key); }
  get length() { return this.items.size; }
}

let requests;
let answers;

beforeEach(() => {
  globalThis.sessionStorage = new MemoryStorage();
  globalThis.location = { href: AUTH.redirect_uri, assigned: [], assign(url) { this.assigned.push(url); } };
  requests = [];
  answers = [];
  globalThis.fetch = async (url, init) => {
    requests.push({ url, ...init });
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return new Response(JSON.stringify(next.body), { status: next.status ?? 200 });
  };
});

const TOKENS = { id_token: "id.jwt", access_token: "access.jwt", refresh_token: "refresh-1", expires_in: 3600, token_type: "Bearer" };

async function signedInUrl() {
  const went = await beginSignIn(AUTH);
  const state = new URL(went).searchParams.get("state");
  return { went, state, back: `${AUTH.redirect_uri}?code=code-1&state=${encodeURIComponent(state)}` };
}

test("beginSignIn goes to the authorize URL with a S256 challenge of a stored verifier", async () => {
  const went = await beginSignIn(AUTH);

  assert.deepEqual(location.assigned, [went]);
  const url = new URL(went);
  assert.equal(url.origin + url.pathname, AUTH.authorize_url);
  const params = url.searchParams;
  assert.equal(params.get("response_type"), "code");
  assert.equal(params.get("client_id"), "client-123");
  assert.equal(params.get("redirect_uri"), AUTH.redirect_uri);
  assert.equal(params.get("scope"), "openid email profile");
  assert.equal(params.get("code_challenge_method"), "S256");
  const verifier = sessionStorage.getItem("videogen.signin.verifier");
  assert.ok(verifier.length >= 43 && verifier.length <= 128, verifier);
  assert.match(verifier, /^[A-Za-z0-9_-]+$/);
  // The challenge is base64url(SHA-256(verifier)), computed here independently with node:crypto
  const expected = createHash("sha256").update(verifier).digest("base64url");
  assert.equal(params.get("code_challenge"), expected);
  assert.equal(params.get("state"), sessionStorage.getItem("videogen.signin.state"));
  assert.ok(params.get("state").length >= 32);
});

test("each sign-in makes a new verifier and state", async () => {
  const first = new URL(await beginSignIn(AUTH)).searchParams;
  const second = new URL(await beginSignIn(AUTH)).searchParams;

  assert.notEqual(first.get("state"), second.get("state"));
  assert.notEqual(first.get("code_challenge"), second.get("code_challenge"));
});

test("base64url is unpadded and URL-safe, and the challenge is SHA-256 of the verifier", async () => {
  assert.equal(base64url(new Uint8Array([251, 255, 191])), "-_-_");
  assert.equal(base64url(new Uint8Array([1])), "AQ");
  const verifier = "a".repeat(43);
  assert.equal(await codeChallenge(verifier), createHash("sha256").update(verifier).digest("base64url"));
});

test("completeSignIn returns null on an ordinary page load", async () => {
  assert.equal(await completeSignIn(AUTH, "https://d1.cloudfront.net/#/projects"), null);
  assert.equal(requests.length, 0);
});

test("completeSignIn trades the code and verifier for tokens and forgets them", async () => {
  const { back } = await signedInUrl();
  const verifier = sessionStorage.getItem("videogen.signin.verifier");
  answers.push({ body: TOKENS });
  const before = Date.now();

  const tokens = await completeSignIn(AUTH, back);

  assert.equal(tokens.idToken, "id.jwt");
  assert.equal(tokens.accessToken, "access.jwt");
  assert.equal(tokens.refreshToken, "refresh-1");
  assert.ok(tokens.expiresAt >= before + 3600_000 && tokens.expiresAt <= Date.now() + 3600_000);
  const [request] = requests;
  assert.equal(request.url, AUTH.token_url);
  assert.equal(request.method, "POST");
  assert.equal(request.headers["Content-Type"], "application/x-www-form-urlencoded");
  assert.deepEqual(Object.fromEntries(new URLSearchParams(request.body)), {
    grant_type: "authorization_code",
    client_id: "client-123",
    code: "code-1",
    redirect_uri: AUTH.redirect_uri,
    code_verifier: verifier,
  });
  assert.equal(sessionStorage.length, 0);
});

test("a state that does not match is refused without asking for tokens", async () => {
  await signedInUrl();

  await assert.rejects(completeSignIn(AUTH, `${AUTH.redirect_uri}?code=c&state=forged`), (error) => {
    assert.ok(error instanceof SignInError);
    assert.equal(error.code, "state_mismatch");
    assert.match(error.message, /Sign in again/);
    return true;
  });
  assert.equal(requests.length, 0);
  assert.equal(sessionStorage.length, 0);
});

test("a code with no sign-in started in this tab is refused", async () => {
  await assert.rejects(completeSignIn(AUTH, `${AUTH.redirect_uri}?code=c&state=s`), { code: "state_mismatch" });
});

test("the Hosted UI's error is shown in words", async () => {
  await signedInUrl();

  await assert.rejects(
    completeSignIn(AUTH, `${AUTH.redirect_uri}?error=access_denied&error_description=User+is+disabled`),
    (error) => error instanceof SignInError && error.code === "access_denied" && /User is disabled/.test(error.message),
  );
  await assert.rejects(
    completeSignIn(AUTH, `${AUTH.redirect_uri}?error=invalid_request`),
    (error) => /invalid request/.test(error.message),
  );
});

test("a used or expired code says so", async () => {
  const { back } = await signedInUrl();
  answers.push({ status: 400, body: { error: "invalid_grant" } });

  await assert.rejects(completeSignIn(AUTH, back), (error) => {
    assert.equal(error.code, "invalid_grant");
    assert.match(error.message, /expired or was already used/);
    return true;
  });
});

test("a network failure is a readable error", async () => {
  const { back } = await signedInUrl();
  answers.push(new TypeError("fetch failed"));

  await assert.rejects(completeSignIn(AUTH, back), { code: "network_error" });
});

test("refreshTokens keeps the refresh token Cognito does not rotate", async () => {
  answers.push({ body: { id_token: "id-2", access_token: "access-2", expires_in: 60, token_type: "Bearer" } });

  const tokens = await refreshTokens(AUTH, "refresh-1");

  assert.equal(tokens.idToken, "id-2");
  assert.equal(tokens.refreshToken, "refresh-1");
  assert.deepEqual(Object.fromEntries(new URLSearchParams(requests[0].body)), {
    grant_type: "refresh_token",
    client_id: "client-123",
    refresh_token: "refresh-1",
  });
});

test("signOutUrl names the client and comes back to the console", () => {
  const url = new URL(signOutUrl(AUTH));

  assert.equal(url.origin + url.pathname, AUTH.logout_url);
  assert.equal(url.searchParams.get("client_id"), "client-123");
  assert.equal(url.searchParams.get("logout_uri"), AUTH.redirect_uri);
});

test("withoutSignInParams drops only the sign-in answer", () => {
  assert.equal(
    withoutSignInParams("https://d1.cloudfront.net/?code=c&state=s&view=list#/projects"),
    "https://d1.cloudfront.net/?view=list#/projects",
  );
});
