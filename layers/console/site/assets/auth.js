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

function keep(token, owner, expiresInSeconds) {
  const session = { token, owner, expiresAt: Date.now() + expiresInSeconds * 1000 };
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
  return keep(tokens.idToken, who.email || who["cognito:username"] || who.sub, (tokens.expiresAt - Date.now()) / 1000);
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
