// The review app's keyboard: shortcuts to the kernel, and the page's own keys kept in place.
//
// Two listeners per page. One on the app's root element (bubble phase) sees every key pressed
// inside the app: it stops plain keys there, so JupyterLab's command-mode keys (b inserts a
// cell, x cuts it, d d deletes it) never reach the notebook, and acts on our shortcuts after
// the focused control had its say (a slider moves with the arrows, a field takes its letters).
// One on the document (capture phase) serves the keys pressed with nothing focused (Voila's
// page, or JupyterLab's notebook right after a click on the app).

const TEXT_TYPES = new Set(["", "text", "search", "email", "url", "tel", "password", "number",
  "date", "time", "datetime-local", "month", "week"]);
const SLIDER_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End",
  "PageUp", "PageDown"]);
const PRESSABLE = 'button, [role="button"], input[type="checkbox"], input[type="radio"], ' +
  'summary, a[href], select';

function typingIn(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") {
    return true;
  }
  return target.tagName === "INPUT" &&
    TEXT_TYPES.has((target.getAttribute("type") || "").toLowerCase());
}

// Keys the focused control handles itself: a slider's arrows, a focused button's Space/Enter
// (focused by Tab: after a mouse click the focus goes back to the app, see onClick).
function ownsKey(target, key) {
  if (!(target instanceof Element)) return false;
  if (SLIDER_KEYS.has(key) &&
      target.closest('[role="slider"], .noUi-handle, input[type="range"]')) return true;
  return (key === " " || key === "Enter") && Boolean(target.closest(PRESSABLE));
}

function shownId(root) {
  const card = root.querySelector("[data-proposal-id]");
  const id = card ? Number(card.getAttribute("data-proposal-id")) : NaN;
  return Number.isFinite(id) ? id : null;
}

function helpOf(root) {
  return root.querySelector(":scope > .cb-help");
}

function showHelp(root, rows) {
  if (helpOf(root)) return;
  const overlay = document.createElement("div");
  overlay.className = "cb-help";
  overlay.setAttribute("role", "dialog");
  overlay.setAttribute("aria-label", "Keyboard shortcuts");
  const box = document.createElement("div");
  box.className = "cb-help-box";
  const title = document.createElement("div");
  title.className = "cb-help-title";
  title.textContent = "Keys";
  const table = document.createElement("table");
  for (const [keys, text] of rows) {
    const row = table.insertRow();
    const cell = row.insertCell();
    for (const [i, key] of keys.split(" / ").entries()) {
      if (i) cell.append(" or ");
      const kbd = document.createElement("kbd");
      kbd.textContent = key;
      cell.append(kbd);
    }
    row.insertCell().textContent = text;
  }
  const foot = document.createElement("div");
  foot.className = "cb-help-foot";
  foot.textContent = "Keys do nothing while you type in a field. Press ? or Esc to close.";
  box.append(title, table, foot);
  overlay.append(box);
  overlay.addEventListener("click", (event) => {
    if (event.target === overlay) hideHelp(root);
  });
  root.append(overlay);
}

function hideHelp(root) {
  helpOf(root)?.remove();
  root.focus({ preventScroll: true });
}

// What every key pressed for the app goes through: true when it was ours.
function handle(event, root, model) {
  const key = event.key;
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return false;
  if (helpOf(root)) {
    if (key === "Escape" || key === "?") hideHelp(root);
    event.preventDefault();
    return true;
  }
  if (key === "?" && !typingIn(event.target)) {
    showHelp(root, model.get("help_rows"));
    event.preventDefault();
    return true;
  }
  if (key === "Escape" && event.target instanceof HTMLElement && event.target !== root) {
    event.target.blur(); // out of the field: the keys act again
    root.focus({ preventScroll: true });
    return true;
  }
  if (typingIn(event.target) || ownsKey(event.target, key)) return false;
  if (!model.get("shortcut_keys").includes(key)) return false;
  event.preventDefault();
  // Held down, a key repeats: one decision per press, never a run of unseen ones.
  if (!event.repeat) model.send({ type: "key", key, shown: shownId(root) });
  return true;
}

// The app's root element: focusable, and listening to the keys and clicks inside it.
function prepare(root, model) {
  if (root.dataset.cbKeys === "on") return;
  root.dataset.cbKeys = "on";
  root.tabIndex = -1; // a click on the app's plain parts focuses the app, not the notebook
  root.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return; // Ctrl+S etc. stay JupyterLab's
    // Plain keys pressed in the app are the app's: JupyterLab's command mode must not see them.
    event.stopPropagation();
    handle(event, root, model);
  });
  // Esc leaves a field. ipywidgets' text fields keep their keys from bubbling, so this one
  // listens on the way down.
  root.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !typingIn(event.target) || helpOf(root)) return;
    event.target.blur();
    root.focus({ preventScroll: true });
  }, true);
  // A button clicked with the mouse gives the focus back to the app, so that Space or Enter
  // never presses it again: Space then means Accept, on the proposal now shown.
  root.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest(".cb-keys-btn")) {
      if (helpOf(root)) hideHelp(root);
      else showHelp(root, model.get("help_rows"));
      return;
    }
    if (event.detail > 0 && target?.closest('button, [role="button"]')) {
      setTimeout(() => root.focus({ preventScroll: true }), 0);
    }
  });
}

export default {
  // One document listener per model (not per view), so a widget shown twice acts once.
  initialize({ model }) {
    const scoped = () => "." + model.get("scope");
    let activeRoot = null; // the app clicked last, for keys whose target is outside any app

    // Keys pressed with the focus outside the app: on the page itself (Voila, nothing focused),
    // or on JupyterLab's notebook right after a click on the app.
    const rootFor = (target) => {
      const onPage = target === document.body || target === document.documentElement;
      const first = document.querySelector(".chatbook-review");
      if (onPage && first && first.matches(scoped())) return first;
      return activeRoot && activeRoot.isConnected ? activeRoot : null;
    };
    const onDocumentKey = (event) => {
      if (event.target instanceof Element && event.target.closest(".chatbook-review")) return;
      const root = rootFor(event.target);
      if (!root) return;
      prepare(root, model);
      if (handle(event, root, model)) event.stopPropagation();
    };
    const onPointer = (event) => {
      const target = event.target instanceof Element ? event.target : null;
      activeRoot = target ? target.closest(scoped()) : null;
    };
    document.addEventListener("keydown", onDocumentKey, true);
    document.addEventListener("pointerdown", onPointer, true);
    return () => {
      document.removeEventListener("keydown", onDocumentKey, true);
      document.removeEventListener("pointerdown", onPointer, true);
    };
  },

  render({ model, el }) {
    el.classList.add("cb-shortcuts");
    // The app's root is drawn around this element and is in the page a moment later.
    let tries = 0;
    const attach = () => {
      const root = el.closest("." + model.get("scope"));
      if (root) {
        prepare(root, model);
        model.send({ type: "ready" });
      } else if (tries++ < 300) {
        requestAnimationFrame(attach);
      }
    };
    attach();
  },
};
