// Behaviour the pages share, attached here because the Content-Security-Policy refuses
// inline scripts and on*= attributes (docs/decisions/0011-content-security-policy.md).
//
// data-submit-on-change: a select (or any field) whose form is submitted when it changes,
// e.g. the change calendar's team filter.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) field.form.submit();
});

// data-enter-stays: a long form whose Enter in a one-line field does not send it (the "New
// incident" form sent a bare title at once, the caller left to default); its button sends it.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.isComposing) return;
  const field = event.target;
  if (!(field instanceof HTMLInputElement) || !field.form || !field.form.hasAttribute("data-enter-stays")) return;
  if (["submit", "button", "reset", "checkbox", "radio", "file", "image"].includes(field.type)) return;
  event.preventDefault();
});

// data-dropzone: an upload form whose file input also takes files dropped anywhere on the
// form (components/attachments.html). Without this script the input works as it is; with
// it, a drop fills the input, the chosen files are named, and a choice larger in all than
// the input's data-max-bytes is stopped before it is sent (the server refuses it anyway).
(() => {
  const zoneOf = (event) => event.target.closest && event.target.closest("[data-dropzone]");
  const inputOf = (zone) => zone.querySelector("input[type=file]");
  const sizeText = (bytes) =>
    bytes < 1024 ? `${bytes} bytes`
      : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
  const tooLarge = (input) => {
    const limit = Number(input.dataset.maxBytes || 0);
    const total = Array.from(input.files).reduce((sum, file) => sum + file.size, 0);
    return limit && total > limit ? `Together these files are ${sizeText(total)}; the limit is ${sizeText(limit)}.` : "";
  };
  const describe = (zone) => {
    const input = inputOf(zone);
    const note = zone.querySelector("[data-dropzone-chosen]");
    if (!input || !note) return;
    const names = Array.from(input.files).map((file) => `${file.name} (${sizeText(file.size)})`);
    note.textContent = tooLarge(input) || (names.length ? `Chosen: ${names.join(", ")}` : "");
  };
  for (const type of ["dragenter", "dragover"]) {
    document.addEventListener(type, (event) => {
      const zone = zoneOf(event);
      if (!zone) return;
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  document.addEventListener("dragleave", (event) => {
    const zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("dragging");
  });
  document.addEventListener("drop", (event) => {
    const zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("dragging");
    const input = inputOf(zone);
    if (input && event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      describe(zone);
    }
  });
  document.addEventListener("change", (event) => {
    const zone = zoneOf(event);
    if (zone && event.target.type === "file") describe(zone);
  });
  // Capture phase: runs before htmx's own submit handler on the form, and stops it.
  // The zone is the form itself (a record's upload) or a part of it (the report form's files).
  document.addEventListener("submit", (event) => {
    const zone = zoneOf(event) || event.target.querySelector("[data-dropzone]");
    const input = zone && inputOf(zone);
    if (input && tooLarge(input)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      describe(zone);
    }
  }, true);
})();

// data-picker: a picker by name (components/picker.html, steward.web.pickers). htmx fills
// the listbox as the person types; here the combobox pattern: arrows move the active
// option (aria-activedescendant), Enter or a click picks it (its key into the hidden
// input, its name into the box), Escape closes. Typing again voids the earlier pick.
(() => {
  const parts = (element) => {
    const picker = element.closest && element.closest("[data-picker]");
    if (!picker) return null;
    return {
      picker,
      box: picker.querySelector("[role=combobox]"),
      key: picker.querySelector("[data-picker-key]"),
      shown: picker.querySelector("[data-picker-shown]"),
      list: picker.querySelector("[role=listbox]"),
    };
  };
  const options = (p) => Array.from(p.list.querySelectorAll("[role=option]:not([aria-disabled=true])"));
  const open = (p, shown) => {
    p.list.hidden = !shown;
    p.box.setAttribute("aria-expanded", shown ? "true" : "false");
    if (!shown) p.box.removeAttribute("aria-activedescendant");
  };
  const activate = (p, option) => {
    for (const o of options(p)) o.setAttribute("aria-selected", o === option ? "true" : "false");
    if (option) {
      p.box.setAttribute("aria-activedescendant", option.id);
      p.box.dataset.activeKey = option.dataset.key;
      option.scrollIntoView({ block: "nearest" });
    }
  };
  // A multi-picker (components/multi_picker.html) adds a chip per pick and empties the box.
  const chip = (p, key, label) => {
    const name = p.picker.dataset.name;
    const chosen = p.picker.querySelector("[data-picker-chosen]");
    const keys = Array.from(chosen.querySelectorAll(`input[name="${name}"]`), (i) => i.value);
    if (keys.includes(key)) return;
    const item = document.createElement("li");
    item.className = "chip";
    const text = document.createElement("span");
    text.textContent = label;
    const hidden = (n, v) => {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = n;
      input.value = v;
      return input;
    };
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.dataset.pickerRemove = "";
    remove.setAttribute("aria-label", `Remove ${label}`);
    remove.textContent = "×";
    item.append(text, hidden(name, key), hidden(`${name}_chosen`, label), remove);
    chosen.append(item);
  };
  const pick = (p, option) => {
    if (p.picker.hasAttribute("data-picker-multi")) {
      chip(p, option.dataset.key, option.dataset.label);
      p.box.value = "";
      open(p, false);
      return;
    }
    p.key.value = option.dataset.key;
    p.box.value = option.dataset.label;
    p.shown.value = option.dataset.label;  // the key stands while the box shows this
    open(p, false);
  };
  // A list drawn again while the person arrows through it (an answer to an earlier ask, or
  // the focus asking again) came with new options: the one she had reached stays active if
  // it is still offered, else none is, so that Enter never picks an option she did not see.
  document.addEventListener("htmx:afterSwap", (event) => {
    const p = parts(event.target);
    if (!p || event.target !== p.list) return;
    open(p, p.list.children.length > 0 && document.activeElement === p.box);
    const key = p.box.dataset.activeKey;
    const again = p.box.hasAttribute("aria-activedescendant") && options(p).find((o) => o.dataset.key === key);
    if (again) activate(p, again);
    else p.box.removeAttribute("aria-activedescendant");
  });
  document.addEventListener("input", (event) => {
    const p = parts(event.target);
    if (!p || event.target !== p.box) return;
    if (p.key) p.key.value = "";  // a new text: nothing picked yet
    p.box.removeAttribute("aria-activedescendant");  // and no option reached among the next ones
  });
  document.addEventListener("click", (event) => {
    const remove = event.target.closest && event.target.closest("[data-picker-remove]");
    const p = remove && parts(remove);
    if (!p) return;
    remove.closest("li").remove();
    if (p.box) p.box.focus();
  });
  document.addEventListener("keydown", (event) => {
    const p = parts(event.target);
    if (!p || event.target !== p.box) return;
    const all = options(p);
    const current = all.findIndex((o) => o.id === p.box.getAttribute("aria-activedescendant"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      open(p, true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      activate(p, all[(current + step + all.length) % all.length] || all[0]);
    } else if (event.key === "Enter" && !p.list.hidden && current >= 0) {
      event.preventDefault();  // picks; does not submit the form
      pick(p, all[current]);
    } else if (event.key === "Escape" && !p.list.hidden) {
      event.preventDefault();
      open(p, false);
    }
  });
  document.addEventListener("mousedown", (event) => {
    const option = event.target.closest && event.target.closest("[role=option]");
    const p = option && parts(option);
    if (p && option.getAttribute("aria-disabled") !== "true") {
      event.preventDefault();  // keep the focus in the box
      pick(p, option);
    }
  });
  document.addEventListener("focusout", (event) => {
    const p = parts(event.target);
    if (p && event.target === p.box) open(p, false);
  });
})();

// A list's filter bar asks for its rows alone (``partial=1``, components/filter_bar.html) and
// pushes its address so that reload and back keep the filters: the address pushed is the
// page's own, without ``partial``, which drawn alone would be the rows without the page.
document.addEventListener("htmx:beforeHistoryUpdate", (event) => {
  const history = event.detail && event.detail.history;
  if (!history || !history.path) return;
  const url = new URL(history.path, window.location.href);
  if (!url.searchParams.has("partial")) return;
  url.searchParams.delete("partial");
  history.path = url.pathname + url.search + url.hash;
});

// A choice made in a filter bar before htmx had started was heard by nobody: the page is
// drawn while its deferred scripts still load (a slow network, a busy server), so the bar
// showed the new choice and the rows the old one. htmx wires up the page on
// DOMContentLoaded, its listener first (its script comes before this one); then a bar whose
// fields no longer hold what the page was drawn with asks for its rows again.
(() => {
  const drawnOption = (select) => {
    const marked = Array.from(select.options).filter((option) => option.defaultSelected);
    return marked.length ? marked[marked.length - 1] : select.options[0];
  };
  const changedSinceDrawn = (field) => {
    if (field instanceof HTMLSelectElement) {
      if (field.multiple) return Array.from(field.options).some((o) => o.selected !== o.defaultSelected);
      return field.options.length > 0 && field.options[field.selectedIndex] !== drawnOption(field);
    }
    if (field instanceof HTMLInputElement && ["checkbox", "radio"].includes(field.type)) {
      return field.checked !== field.defaultChecked;
    }
    if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) {
      return field.value !== field.defaultValue;
    }
    return false;
  };
  document.addEventListener("DOMContentLoaded", () => {
    if (!window.htmx) return;
    for (const form of document.querySelectorAll("form.filters[hx-get]")) {
      if (Array.from(form.elements).some(changedSinceDrawn)) htmx.trigger(form, "change");
    }
  });
})();

// A picker swapped in while it has the focus (the team's "Add agent" after an add sent with
// Enter): htmx gives the new box the focus at once but wires up its triggers only when the
// swap settles, so the focus that offers suggestions was lost, and the picker stayed empty
// until the person typed. Once htmx has wired it (htmx:load), ask again, as a focus would.
document.addEventListener("htmx:load", (event) => {
  const box = document.activeElement;
  const root = event.detail && event.detail.elt;
  if (!box || !root || !root.contains(box) || !box.closest("[data-picker]")) return;
  if (box.getAttribute("role") === "combobox" && box.hasAttribute("hx-get")) htmx.trigger(box, "focus");
});

// A form swapped by its own answer (a list's filter bar swapped with its rows, the team's
// "Add agent" after an add): what the person typed or chose while the answer was on its way
// must stand, though the answer carries the values the request left with. Fields changed
// since are put back into the new form, and asked for again: a filter bar's list, a
// picker's suggestions. (Typing the next agent's name during an add lost its first letters,
// and "wal" starts no one's name: the picker offered nothing.)
(() => {
  const sent = new WeakMap();  // a form -> its fields' values when its request left
  const skip = new Set(["hidden", "checkbox", "radio", "file", "submit", "button"]);
  const values = (form) => {
    const out = {};
    for (const field of form.elements) {
      if (field.name && !skip.has(field.type) && field.tagName !== "BUTTON") out[field.name] = field.value;
    }
    return out;
  };
  const address = (form) => form.getAttribute("hx-get") || form.getAttribute("hx-post") || form.getAttribute("action");
  let kept = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt;
    if (form && form.tagName === "FORM") sent.set(form, values(form));
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    kept = null;
    const target = event.detail.target;
    if (!target || !target.querySelectorAll) return;
    const changed = [];
    for (const form of target.querySelectorAll("form")) {
      const then = sent.get(form);
      if (!then) continue;
      const now = values(form);
      for (const name of Object.keys(now)) {
        if (name in then && now[name] !== then[name]) changed.push([address(form), name, now[name]]);
      }
    }
    if (changed.length) kept = changed;
  });
  // Put back at once when the new form is in place (htmx:afterSwap), not at settle: a
  // letter typed between the swap and the settle went into the new box and was then
  // overwritten by the value kept at the swap (a journey lost its last letter under load).
  // The asking again waits for the settle, when htmx has wired the new fields.
  let ask = null;
  document.addEventListener("htmx:afterSwap", () => {
    if (!kept) return;
    const restore = kept;
    kept = null;
    ask = new Set();
    for (const [where, name, value] of restore) {
      const form = Array.from(document.forms).find((f) => address(f) === where);
      const field = form && form.elements.namedItem(name);
      if (!field || !("value" in field)) continue;
      field.value = value;
      ask.add(field.closest("[data-picker]") && field.hasAttribute("hx-get") ? field : form);
    }
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!ask) return;
    const again = ask;
    ask = null;
    for (const elt of again) htmx.trigger(elt, elt.tagName === "FORM" ? "change" : "focus");
  });
})();

// Focus after a swap: htmx gives the focus back only to an element with an id that the new
// content has again; a button ("Resolve", "Post", "Take it") has none, so the focus fell to
// the page's body and a keyboard user began again at the top of the page. When the focus
// was inside the swapped region, put it on the first field the answer marks invalid, else on
// the same control in the new content, else on the region itself.
(() => {
  let lost = null;
  document.addEventListener("htmx:beforeSwap", (event) => {
    const active = document.activeElement;
    const target = event.detail.target;
    lost = null;
    if (target && target.id && active && active !== document.body && target.contains(active)) {
      lost = { id: target.id, tag: active.tagName, name: active.name || "", text: active.textContent.trim() };
    }
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!lost) return;
    const was = lost;
    lost = null;
    const region = document.getElementById(was.id);
    if (!region || (document.activeElement && document.activeElement !== document.body)) return;
    const invalid = region.querySelector("[aria-invalid='true'], .invalid :is(input, select, textarea)");
    const same = Array.from(region.querySelectorAll(was.tag)).find(
      (e) => (e.name || "") === was.name && e.textContent.trim() === was.text,
    );
    const next = invalid || same;
    if (next) return next.focus();
    if (!region.hasAttribute("tabindex")) region.setAttribute("tabindex", "-1");
    region.focus();
  });
})();

// Back at a region after a save: a record page's save answers with the page at the form's
// region ("/incidents/INC1/#work"); a full page load put the focus at the top, so a keyboard
// user began again there. A region marked data-arrival that the address names gets the
// focus. An htmx save on the same page (HX-Redirect to the same address with a new #region)
// would only scroll, not load the page: load it again at that address.
(() => {
  const arrive = () => {
    const region = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (!region || !region.hasAttribute("data-arrival")) return;
    if (!region.hasAttribute("tabindex")) region.setAttribute("tabindex", "-1");
    region.focus();
  };
  arrive();
  document.addEventListener("htmx:beforeOnLoad", (event) => {
    const xhr = event.detail.xhr;
    const to = xhr && xhr.getResponseHeader("HX-Redirect");
    if (!to) return;
    const url = new URL(to, window.location.href);
    const here = window.location;
    if (!url.hash || url.pathname !== here.pathname || url.search !== here.search) return;
    event.preventDefault();
    window.history.replaceState(window.history.state, "", url.href);
    window.location.reload();
  });
})();

// The top bar's menu on phones (a checkbox toggle, base.html; it opens without JavaScript):
// its aria-expanded says whether the menu is open, kept to the box on each change and when
// a page comes back from the history (the browser may restore the box ticked). Escape
// closes it and puts the focus back on its toggle, wherever in the top bar the focus was,
// so a keyboard user is not left on a link that has just been hidden. A picker's own
// Escape (an open list) comes first and is left alone.
(() => {
  const menuToggle = () => document.querySelector("input.nav-toggle");
  const shown = (toggle) => toggle.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
  document.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.matches("input.nav-toggle")) shown(event.target);
  });
  const settle = () => {
    const toggle = menuToggle();
    if (toggle) shown(toggle);
  };
  window.addEventListener("pageshow", settle);
  settle();
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const toggle = menuToggle();
    if (!toggle || !toggle.checked) return;
    toggle.checked = false;
    shown(toggle);
    toggle.focus();
  });
})();

// data-select-all="NAME": a tick box that ticks or clears every tick box called NAME in its
// form (the incident queue's "Select all on this page", components of a bulk form). It reads
// the boxes when it is used, so rows htmx swaps in are included; ticking rows one by one
// shows it ticked when all are, mixed when some are. A native checkbox: Space works it.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.form) return;
  const name = box.dataset.selectAll || box.name;
  const all = box.form.querySelector(`input[type=checkbox][data-select-all="${CSS.escape(name)}"]`);
  if (!all) return;
  const boxes = Array.from(box.form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(name)}"]:not(:disabled)`));
  if (box === all) {
    for (const one of boxes) one.checked = all.checked;
    return;
  }
  const ticked = boxes.filter((one) => one.checked).length;
  all.checked = ticked > 0 && ticked === boxes.length;
  all.indeterminate = ticked > 0 && ticked < boxes.length;
});

// data-page-address: a record page drawn again by a refused form that was posted to the
// action's own address (an asset's "Check out" to /assets/AST…/check-out/, a change's
// /move/ or /comment/) names the page's address; put it in the address bar, so a reload, a
// bookmark or a copied link asks for the page and not the action (a GET of /check-out/ was
// a 405 page: walk42). A form posted to the page's own address (a change's new and edit
// forms name it when they answer a POST) has its entry replaced by the same address: the
// entry is then the page's, not the POST's, so a reload, back or forward asks for the page
// and never sends the refused form again. On a page that answered a GET it changes nothing.
(() => {
  const own = document.querySelector("[data-page-address]");
  if (!own) return;
  const address = own.dataset.pageAddress;
  const here = window.location.pathname;
  const page = address === here ? window.location.href : address;
  window.history.replaceState(window.history.state, "", page);
})();
