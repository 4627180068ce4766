// Before the page is drawn (a classic, blocking script): the roles of the
// person signed in with this browser, as the API last told a page
// (api.js keeps them when GET /api/me answers), go on <html data-roles>,
// and the stylesheet shows the header links those roles can use. Signed
// out, none are kept.
(function () {
  var signedIn = document.cookie.split("; ").indexOf("moments_signed_in=1") >= 0;
  var roles = "";
  try {
    if (signedIn) {
      roles = localStorage.getItem("moments_roles") || "";
    } else {
      localStorage.removeItem("moments_roles");
    }
  } catch (e) {
    roles = "";
  }
  document.documentElement.setAttribute("data-roles", roles);
})();
