const EDITABLE = new Set(["INPUT", "TEXTAREA", "SELECT"]);

function typingIn(target) {
  return target instanceof Element && (EDITABLE.has(target.tagName) || target.isContentEditable);
}

export default {
  // One document listener per model (not per view), so a widget shown twice acts once.
  initialize({ model }) {
    const rootOf = () => document.querySelector("." + model.get("scope"));
    // The last click on the page was inside this app: in JupyterLab a click on a plain part of
    // the output leaves the focus on the notebook, yet the reviewer means this app.
    let active = false;
    const onPointer = (event) => {
      const root = rootOf();
      active = Boolean(root) && event.target instanceof Node && root.contains(event.target);
    };
    const onKey = (event) => {
      if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      if (typingIn(event.target) || !model.get("shortcut_keys").includes(event.key)) return;
      const root = rootOf();
      if (!root || !root.isConnected) return;
      const inside = event.target instanceof Node && root.contains(event.target);
      const onPage = event.target === document.body || event.target === document.documentElement;
      const first = document.querySelector(".chatbook-review") === root;
      if (!inside && !active && !(onPage && first)) return;
      // Ours: keep JupyterLab's command-mode shortcuts (a, b, d, ...) from acting too.
      event.preventDefault();
      event.stopPropagation();
      model.send({ type: "key", key: event.key });
    };
    document.addEventListener("pointerdown", onPointer, true);
    document.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("pointerdown", onPointer, true);
      document.removeEventListener("keydown", onKey, true);
    };
  },
  render({ el }) {
    el.classList.add("cb-shortcuts");
  },
};
