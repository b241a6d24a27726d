// The journeys' control audit (tests/journeys/controls.py), run in every page before its own
// scripts: an inventory of the page's controls on request, and every control a journey acts
// on (click, typing, choosing, checking, a key, a file, a submit) reported to the test
// through the exposed binding, whichever Playwright call the journey used.
(() => {
  if (window.__stewardControls) return;
  const HX = ["hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"];
  // an element htmx fires by itself, or on another control's event, is no control of its own
  const PASSIVE = /^\s*(load|revealed|intersect|every\b)|\bfrom:/;
  const FIELDS = "input:not([type=hidden]), select, textarea";
  const BUTTONS = "button, input[type=submit], input[type=button], input[type=reset], input[type=image]";
  const text = (value) => (value || "").replace(/\s+/g, " ").trim().slice(0, 80);

  function accessibleName(el) {
    const label = el.getAttribute("aria-label");
    if (label) return text(label);
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const named = by.split(/\s+/).map((id) => document.getElementById(id)?.textContent || "");
      if (text(named.join(" "))) return text(named.join(" "));
    }
    if (el.tagName === "INPUT") return text(el.value || el.title || el.name);
    if (el.labels && el.labels.length) return text(el.labels[0].textContent);
    return text(el.innerText || el.textContent || el.title || el.value);
  }

  function hxVerb(el) {
    for (const attribute of HX) {
      if (el.hasAttribute(attribute)) {
        return [attribute.slice(3), el.getAttribute(attribute) || location.href];
      }
    }
    return null;
  }

  function path(url) {
    try {
      return new URL(url, location.href).pathname;
    } catch (error) {
      return String(url);
    }
  }

  function formOf(form) {
    if (!form) return null;
    const hx = hxVerb(form);
    const method = hx ? hx[0] : (form.getAttribute("method") || "get").toLowerCase();
    const action = hx ? hx[1] : form.getAttribute("action") || location.href;
    return {method, path: path(action)};
  }

  // a link that changes what this page shows: the same page with a query (a sort, a page, a
  // filter, a tab, a saved view), or one that htmx follows
  function actingLink(el) {
    if (hxVerb(el)) return true;
    const href = el.getAttribute("href") || "";
    if (!href.includes("?")) return false;
    return path(href) === location.pathname;
  }

  function describe(el) {
    const scope = el.closest("header.topbar") ? "layout" : "page";
    const form = formOf(el.form || el.closest("form"));
    const hx = hxVerb(el);
    const base = {scope, form, hx: hx && {method: hx[0], path: path(hx[1])}};
    const tag = el.localName;
    if (tag === "form") return {...base, kind: "form", form: formOf(el)};
    if (el.matches(BUTTONS)) return {...base, kind: "button", name: accessibleName(el)};
    if (el.matches(FIELDS)) {
      const type = tag === "input" ? (el.getAttribute("type") || "text").toLowerCase() : tag;
      return {...base, kind: "field", name: el.name || el.id || accessibleName(el), type};
    }
    if (tag === "a") {
      const query = new URL(el.getAttribute("href") || "", location.href).searchParams;
      const keys = [...new Set([...query.keys()])].filter((k) => k !== "partial").sort();
      return {...base, kind: "link", name: accessibleName(el), keys};
    }
    return {...base, kind: "htmx", name: accessibleName(el), tag};
  }

  function control(el) {
    if (!(el instanceof Element)) return null;
    if (el.tagName === "LABEL" && el.control) return el.control;
    const found = el.closest(`${BUTTONS}, ${FIELDS}, a[href], ${HX.map((a) => `[${a}]`).join(", ")}`);
    if (!found) return null;
    if (found.localName === "a" && !actingLink(found)) return null;
    if (found.tagName === "FORM") return null; // a click inside a form is not the form's own
    return found;
  }

  // on screen, or behind a disclosure the person can open
  function reachable(el) {
    if (el.disabled) return false;
    if (el.checkVisibility ? el.checkVisibility() : el.getClientRects().length) return true;
    return Boolean(el.closest("details:not([open]), dialog:not([open])"));
  }

  window.__stewardControls = () => {
    const seen = [];
    const all = document.querySelectorAll(
      `form, ${BUTTONS}, ${FIELDS}, a[href], ${HX.map((a) => `[${a}]`).join(", ")}`
    );
    for (const el of all) {
      if (el.localName === "a" && !actingLink(el)) continue;
      const trigger = el.getAttribute("hx-trigger") || "";
      if (PASSIVE.test(trigger) && !el.matches(`${BUTTONS}, ${FIELDS}, a, form`)) continue;
      const shown = el.tagName === "FORM"
        ? [...el.querySelectorAll(`${BUTTONS}, ${FIELDS}`)].some(reachable)
        : reachable(el);
      if (!shown) continue;
      seen.push(describe(el));
    }
    return seen;
  };

  function inventory() {
    if (typeof window.__stewardControlUsed === "function") {
      window.__stewardControlUsed({page: location.pathname, lang: document.documentElement.lang, inventory: window.__stewardControls()});
    }
  }
  // what the person sees once the page has loaded, and again after each htmx swap settles
  window.addEventListener("load", inventory);
  let settling = null;
  document.addEventListener("htmx:afterSettle", () => {
    clearTimeout(settling);
    settling = setTimeout(inventory, 50);
  });

  function report(el, how) {
    if (!el || typeof window.__stewardControlUsed !== "function") return;
    const used = [describe(el)];
    const form = el.form || el.closest("form");
    if (form) used.push(describe(form));
    window.__stewardControlUsed({page: location.pathname, lang: document.documentElement.lang, how, used});
  }

  document.addEventListener("click", (event) => report(control(event.target), "click"), true);
  document.addEventListener("input", (event) => report(control(event.target), "input"), true);
  document.addEventListener("change", (event) => report(control(event.target), "change"), true);
  document.addEventListener(
    "keydown",
    (event) => {
      if (event.key === "Enter" || event.key === " ") report(control(event.target), "key");
    },
    true
  );
  document.addEventListener(
    "submit",
    (event) => {
      report(event.target, "submit");
      if (event.submitter) report(event.submitter, "submit");
    },
    true
  );
})();
