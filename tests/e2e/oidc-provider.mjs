// A real OpenID Connect provider on loopback, standing in for the state's
// (Microsoft Entra ID) in the tests: oauth2-mock-server publishes discovery
// and RS256 keys, signs ID tokens, checks PKCE and carries the nonce. Like
// the state's, it asks who is signing in: its sign-in page takes a work
// address (filled in from `login_hint` when the site passes one) and the ID
// token then names it in the `email` claim.
//
// `node oidc-provider.mjs` runs it alone (the test command does, for the
// Rust API tests and schemathesis) and prints `issuer=<url>`; the browser
// suite imports `startProvider`.

import http from "node:http";
import { OAuth2Issuer, OAuth2Service } from "oauth2-mock-server";

const escape = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** The provider's sign-in page: one address, and the authorize request's own parameters. */
function signInPage(params) {
  const hidden = [...params]
    .filter(([name]) => name !== "login_hint")
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>State sign-in (test provider)</title></head>
<body><main><h1>State sign-in (test provider)</h1>
<form method="get" action="/authorize">
${hidden}
<label for="login_hint">Work email address</label>
<input id="login_hint" name="login_hint" type="email" autocomplete="email" required>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

/** Starts the provider on 127.0.0.1; resolves to `{ issuer, stop() }`. */
export async function startProvider({ port = 0 } = {}) {
  const issuer = new OAuth2Issuer();
  await issuer.keys.generate("RS256");
  const service = new OAuth2Service(issuer);
  // Authorization code -> the address that signed in with it.
  const signedIn = new Map();
  service.on("beforeAuthorizeRedirect", ({ url }, req) => {
    const hint = new URL(req.url, issuer.url).searchParams.get("login_hint");
    signedIn.set(url.searchParams.get("code"), hint);
  });
  service.on("beforeTokenSigning", (token, req) => {
    const email = signedIn.get(req.body?.code);
    if (!email) return;
    // An address ending in "+noemail" stands for an account whose token
    // carries no address at all.
    if (!email.includes("+noemail@")) token.payload.email = email;
    token.payload.sub = `sub-${email}`;
    token.payload.name = email.split("@")[0];
  });
  const handler = service.requestHandler;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, issuer.url);
    if (url.pathname === "/authorize" && !url.searchParams.get("login_hint")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(signInPage(url.searchParams));
      return;
    }
    handler(req, res);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  issuer.url = `http://127.0.0.1:${server.address().port}`;
  return {
    issuer: issuer.url,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const provider = await startProvider({ port: Number(process.argv[2] ?? 0) });
  console.log(`issuer=${provider.issuer}`);
  const stop = async () => {
    await provider.stop();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
