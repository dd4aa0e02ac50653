// Who the browser is signed in as. Locally: a one-time link (?token=) or an API key, traded once for a
// session of the local server. Deployed: Cognito's Hosted UI, authorization code + PKCE (pkce.js).

const KEY = "videogen.session";
const SESSION_PATH = "/_console/session";

export class SignInError extends Error {}

export function current() {
  try {
    const session = JSON.parse(localStorage.getItem(KEY) || "null");
    if (session && session.token && session.expiresAt > Date.now()) return session;
  } catch {
    // A damaged entry is no session.
  }
  localStorage.removeItem(KEY);
  return null;
}

function keep(token, owner, expiresInSeconds, refreshToken = null) {
  const session = { token, owner, expiresAt: Date.now() + expiresInSeconds * 1000, refreshToken };
  localStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function forget() {
  localStorage.removeItem(KEY);
}

async function trade(body) {
  let response;
  try {
    response = await fetch(SESSION_PATH, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new SignInError("Cannot reach videogen: is `videogen serve` still running?");
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new SignInError((data.error && data.error.message) || `Sign-in failed (${response.status}).`);
  }
  return keep(data.session, data.owner, data.expires_in);
}

/** Trade the one-time token of a sign-in link (local). */
export const signInWithToken = (token) => trade({ token });
/** Trade an API key from `videogen keys add` (local). */
export const signInWithKey = (apiKey) => trade({ api_key: apiKey });

function claims(jwt) {
  const part = jwt.split(".")[1] || "";
  const text = atob(part.replaceAll("-", "+").replaceAll("_", "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
}

/** Deployed: send the browser to Cognito's Hosted UI. */
export async function beginCognito(auth) {
  const pkce = await import("./pkce.js");
  await pkce.beginSignIn(auth);
}

/** Deployed: finish a sign-in the Hosted UI redirected back from; null when the URL carries none. */
export async function completeCognito(auth, href) {
  const pkce = await import("./pkce.js");
  let tokens;
  try {
    tokens = await pkce.completeSignIn(auth, href);
  } catch (error) {
    throw new SignInError(error.message);
  }
  if (!tokens) return null;
  const who = claims(tokens.idToken);
  const owner = who.email || who["cognito:username"] || who.sub;
  return keep(tokens.idToken, owner, (tokens.expiresAt - Date.now()) / 1000, tokens.refreshToken);
}

/** The bearer token for the next API call. Deployed, an ID token about to expire is renewed first with
 *  the refresh token (Cognito's last 30 days), so an open console does not sign its user out each hour. */
export async function bearer(config) {
  const raw = JSON.parse(localStorage.getItem(KEY) || "null");
  if (raw && raw.refreshToken && config.auth.kind === "cognito" && raw.expiresAt - Date.now() < 120000) {
    try {
      const pkce = await import("./pkce.js");
      const tokens = await pkce.refreshTokens(config.auth, raw.refreshToken);
      keep(tokens.idToken, raw.owner, (tokens.expiresAt - Date.now()) / 1000, tokens.refreshToken || raw.refreshToken);
    } catch {
      // Refused or unreachable: the call goes out with what there is, and a 401 leads to sign-in.
    }
  }
  return (current() || {}).token;
}

/** End the session; deployed, also Cognito's (returns where to go, or null). */
export async function signOut(config) {
  const session = current();
  forget();
  if (config.auth.kind === "cognito") {
    const pkce = await import("./pkce.js");
    return pkce.signOutUrl(config.auth);
  }
  if (session) {
    await fetch(SESSION_PATH, { method: "DELETE", headers: { Authorization: `Bearer ${session.token}` } }).catch(
      () => null,
    );
  }
  return null;
}
