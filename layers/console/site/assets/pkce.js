// Signing in through the Cognito Hosted UI: the OAuth 2.0 authorization code flow with PKCE (RFC 7636),
// for a public client (a page cannot keep a secret). No dependencies; Web Crypto makes the verifier and
// its S256 challenge. `auth` is config.json's "auth" object (kind "cognito"):
//   {authorize_url, token_url, logout_url, client_id, redirect_uri, scopes}
//
//   await beginSignIn(auth)                  // leaves the page for the Hosted UI
//   const tokens = await completeSignIn(auth, location.href)   // back on redirect_uri: null, or tokens
//   history.replaceState(null, "", withoutSignInParams(location.href))
//   const fresh = await refreshTokens(auth, tokens.refreshToken)
//   location.assign(signOutUrl(auth))
//
// Tokens are {idToken, accessToken, refreshToken, expiresAt} (expiresAt: milliseconds since the epoch).
// The API's Cognito authorizer takes the ID token: `Authorization: Bearer ${tokens.idToken}`.

const VERIFIER_KEY = "videogen.signin.verifier";
const STATE_KEY = "videogen.signin.state";
// 64 random bytes make an 86-character verifier (RFC 7636 asks for 43 to 128).
const VERIFIER_BYTES = 64;
const STATE_BYTES = 32;
const SIGN_IN_PARAMS = ["code", "state", "error", "error_description", "error_uri"];

/** An error a person can read: `message` says what happened and what to do; `code` is OAuth's error. */
export class SignInError extends Error {
  constructor(message, code = "sign_in_failed", options = undefined) {
    super(message, options);
    this.name = "SignInError";
    this.code = code;
  }
}

/** Bytes as base64url without padding (RFC 4648 section 5). */
export function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(byteCount) {
  const bytes = new Uint8Array(byteCount);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/**
 * Start signing in: keep a new verifier and state in this tab's sessionStorage, then go to the Hosted UI.
 * Returns the URL it went to.
 */
export async function beginSignIn(auth) {
  const verifier = randomString(VERIFIER_BYTES);
  const state = randomString(STATE_BYTES);
  sessionStorage.setItem(VERIFIER_KEY, verifier);
  sessionStorage.setItem(STATE_KEY, state);
  const url = new URL(auth.authorize_url);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: auth.client_id,
    redirect_uri: auth.redirect_uri,
    scope: (auth.scopes || ["openid"]).join(" "),
    state,
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
  return url.toString();
}

/**
 * Finish signing in on the page the Hosted UI sent the browser back to.
 * Returns null when `href` carries no sign-in answer (an ordinary page load); the tokens when it carries a
 * code this tab asked for. Throws a SignInError when the Hosted UI answered with an error, or when the
 * answer does not belong to a sign-in started in this tab (another tab, a replayed link, a forged state).
 * The stored verifier and state are used once: cleared whatever the outcome.
 */
export async function completeSignIn(auth, href = location.href) {
  const params = new URL(href).searchParams;
  const code = params.get("code");
  const error = params.get("error");
  if (!code && !error) return null;
  const expectedState = sessionStorage.getItem(STATE_KEY);
  const verifier = sessionStorage.getItem(VERIFIER_KEY);
  sessionStorage.removeItem(STATE_KEY);
  sessionStorage.removeItem(VERIFIER_KEY);
  if (error) {
    const description = params.get("error_description") || error.replace(/_/g, " ");
    throw new SignInError(`Sign-in failed: ${description}. Try signing in again.`, error);
  }
  if (!expectedState || !verifier || params.get("state") !== expectedState) {
    throw new SignInError(
      "This sign-in link does not belong to a sign-in started in this tab (it may be old, or opened in " +
        "another tab). Sign in again.",
      "state_mismatch",
    );
  }
  return requestTokens(auth, {
    grant_type: "authorization_code",
    client_id: auth.client_id,
    code,
    redirect_uri: auth.redirect_uri,
    code_verifier: verifier,
  });
}

/**
 * New ID and access tokens for a refresh token. Cognito does not rotate refresh tokens: the one given is
 * returned with the new tokens. Throws a SignInError (code "invalid_grant" once it has expired or was
 * revoked: sign in again).
 */
export async function refreshTokens(auth, refreshToken) {
  const tokens = await requestTokens(auth, {
    grant_type: "refresh_token",
    client_id: auth.client_id,
    refresh_token: refreshToken,
  });
  return { ...tokens, refreshToken: tokens.refreshToken || refreshToken };
}

/** The Hosted UI's sign-out URL, which ends the Hosted UI's session and comes back to the console. */
export function signOutUrl(auth) {
  const url = new URL(auth.logout_url);
  url.search = new URLSearchParams({ client_id: auth.client_id, logout_uri: auth.redirect_uri }).toString();
  return url.toString();
}

/** `href` without the sign-in answer's parameters (for history.replaceState once it is handled). */
export function withoutSignInParams(href) {
  const url = new URL(href);
  for (const name of SIGN_IN_PARAMS) url.searchParams.delete(name);
  return url.toString();
}

async function requestTokens(auth, fields) {
  let response;
  try {
    response = await fetch(auth.token_url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  } catch (cause) {
    throw new SignInError(
      "Could not reach the sign-in service. Check your connection, then retry.",
      "network_error",
      { cause },
    );
  }
  let body = {};
  try {
    body = await response.json();
  } catch {
    body = {};
  }
  if (!response.ok) {
    const code = typeof body.error === "string" ? body.error : "token_error";
    const reason =
      code === "invalid_grant"
        ? "the sign-in has expired or was already used"
        : body.error_description || `the sign-in service answered ${response.status}`;
    throw new SignInError(`Sign-in failed: ${reason}. Sign in again.`, code);
  }
  if (!body.id_token || !body.access_token || !Number.isFinite(body.expires_in)) {
    throw new SignInError("Sign-in failed: the sign-in service sent no usable tokens. Sign in again.", "bad_tokens");
  }
  return {
    idToken: body.id_token,
    accessToken: body.access_token,
    refreshToken: body.refresh_token || null,
    expiresAt: Date.now() + body.expires_in * 1000,
  };
}
