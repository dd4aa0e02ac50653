// Building the page without innerHTML: user text only ever becomes text nodes.

/** An element: h("a", {href: "#/", class: "x"}, "text", child, [more]). on* attributes are listeners. */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      node.className = value;
    } else if (name === "value") {
      node.value = value; // a textarea's text is its property, not an attribute
    } else if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else if (name in node && typeof value !== "string") {
      node[name] = value;
    } else {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Add children at the end of ``node`` (null, undefined and false are skipped, never written "null"). */
export function fill(node, ...children) {
  append(node, children);
  return node;
}

/** Replace everything inside ``node``. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export function seconds(value) {
  if (value === null || value === undefined) return "";
  const total = Math.round(Number(value));
  const m = Math.floor(total / 60);
  const s = String(total % 60).padStart(2, "0");
  return m ? `${m}:${s} min` : `${total} s`;
}

export function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString();
}

export function bytes(size) {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(0)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

const LABELS = { fps: "Frames per second" };

/** A human label for a setting or status name: "caption_size" → "Caption size". */
export function label(name) {
  if (LABELS[name]) return LABELS[name];
  const text = String(name).replaceAll("_", " ").toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A status badge; its text is the status, its colour only repeats it. */
export function badge(status) {
  return h("span", { class: `badge ${String(status).toLowerCase()}` }, label(status));
}
