// Talks to the MOments API (docs/api.md): JSON in and out, RFC 9457 problems,
// and the sign-in links every page needs.

const UNREACHABLE = {
  status: 0,
  title: "No connection",
  detail: "We could not reach MOments. Check your connection and try again.",
  errors: {},
};

/**
 * Calls the API. Resolves to {ok, status, data, problem}; never rejects.
 * `problem` (when not ok) always has a title, a detail and an errors object.
 */
export async function call(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    return { ok: false, status: 0, data: null, problem: UNREACHABLE };
  }
  let data = null;
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    data = await response.json().catch(() => null);
  }
  if (response.ok) {
    return { ok: true, status: response.status, data, problem: null };
  }
  const p = data && typeof data === "object" ? data : {};
  const problem = {
    status: response.status,
    title: typeof p.title === "string" ? p.title : "Something went wrong",
    detail: typeof p.detail === "string" ? p.detail : `MOments could not do that (error ${response.status}). Please try again.`,
    errors: p.errors && typeof p.errors === "object" ? p.errors : {},
  };
  return { ok: false, status: response.status, data, problem };
}

export const get = (path) => call("GET", path);

/** GET /api/me: who is signed in; their roles are kept for the header's links. */
export async function whoAmI() {
  const response = await get("/api/me");
  if (response.ok) rememberRoles(response.data.roles || []);
  return response;
}

/** The roles the header's links follow (see roles.js), kept for the next page. */
function rememberRoles(roles) {
  const value = roles.join(" ");
  document.documentElement.setAttribute("data-roles", value);
  try {
    localStorage.setItem("moments_roles", value);
  } catch {
    // Private browsing may refuse storage; the links follow this page only.
  }
}
export const post = (path, body) => call("POST", path, body);
export const put = (path, body) => call("PUT", path, body);
export const del = (path) => call("DELETE", path);

/** The API path of one application. */
export const applicationPath = (id) => `/api/applications/${encodeURIComponent(id)}`;

/**
 * Where to go after signing in: a path on this site only, never another
 * origin ("//host", "/\host", "https://..."). Mirrors the API's own check.
 */
export function safeNext(value, fallback) {
  const ok =
    typeof value === "string" &&
    value.startsWith("/") &&
    !value.startsWith("//") &&
    !value.startsWith("/\\") &&
    value.length <= 300 &&
    /^[\x21-\x7e]+$/.test(value);
  return ok ? value : fallback;
}

/** The current page's path and query, to come back to after signing in. */
export const here = () => location.pathname + location.search;

/** The sign-in page, coming back to `next` afterwards. */
export function signInUrl(next) {
  const base = document.body.dataset.signinUrl || "/signin/";
  return next ? `${base}?next=${encodeURIComponent(next)}` : base;
}

/** Shows the page's "Sign in to continue" panel, returning to `next`. */
export function showSignIn(next) {
  const panel = document.getElementById("signin-needed");
  if (!panel) return;
  for (const link of panel.querySelectorAll("a[data-signin]")) link.href = signInUrl(next);
  panel.hidden = false;
}
