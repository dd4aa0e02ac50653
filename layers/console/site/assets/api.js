// The videogen API as the console calls it: JSON in and out, the bearer token on every call, and every
// failure turned into an ApiError (the envelope's code, message and request id) or a NetworkError.

const TIMEOUT_MS = 30000;
const settings = { base: "/v1", token: () => null, unauthorized: () => {} };

export class ApiError extends Error {
  constructor(status, envelope, fallbackRequestId) {
    const error = (envelope && envelope.error) || {};
    super(error.message || `The API answered ${status}.`);
    this.status = status;
    this.code = error.code || `HTTP_${status}`;
    this.details = error.details || {};
    this.requestId = error.request_id || fallbackRequestId || null;
  }
}

export class NetworkError extends Error {
  constructor(cause) {
    super("Cannot reach videogen: check your connection, then retry.");
    this.cause = cause;
  }
}

export function configure({ base, token, unauthorized }) {
  if (base) settings.base = base.replace(/\/$/, "");
  if (token) settings.token = token;
  if (unauthorized) settings.unauthorized = unauthorized;
}

/** One API call. Resolves to {status, headers, data}; rejects with ApiError or NetworkError. */
export async function call(method, path, { body, query, headers = {} } = {}) {
  const url = new URL(settings.base + path, location.href);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const sent = { ...headers, Accept: "application/json" };
  const token = settings.token();
  if (token) sent.Authorization = `Bearer ${token}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: abort.signal,
      cache: "no-store",
    });
  } catch (cause) {
    throw new NetworkError(cause);
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text().catch(() => "");
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data, response.headers.get("X-Request-Id"));
    if (response.status === 401) settings.unauthorized(error);
    throw error;
  }
  return { status: response.status, headers: response.headers, data };
}

export const get = (path, options) => call("GET", path, options);
export const post = (path, body, options) => call("POST", path, { ...options, body });
export const patch = (path, body, options) => call("PATCH", path, { ...options, body });
export const put = (path, body, options) => call("PUT", path, { ...options, body });
export const del = (path, options) => call("DELETE", path, options);

/** Upload a file with the presigned POST form the API handed out (the file field goes last). */
export async function uploadForm(form, file) {
  const data = new FormData();
  for (const [name, value] of Object.entries(form.fields)) data.append(name, value);
  data.append("file", file);
  let response;
  try {
    response = await fetch(form.url, { method: "POST", body: data });
  } catch (cause) {
    throw new NetworkError(cause);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    const found = /<Message>([^<]*)<\/Message>/.exec(text);
    const error = new ApiError(response.status, {
      error: { code: "UPLOAD_FAILED", message: `The upload was refused: ${found ? found[1] : response.status}.` },
    });
    throw error;
  }
}
