// A new project: paste or drop a script, see what it makes as you type (or where it is wrong), pick the
// settings, create it. With a project id: the same page edits that project's title, script and settings.
import * as api from "./api.js";
import { fill, h, replace, seconds } from "./dom.js";
import { navigate, problem, settingsCatalogue, flash } from "./app.js";
import { settingsForm } from "./settings-form.js";

const CHECK_DELAY_MS = 350;
const FORMAT_NAMES = { md: "Markdown", txt: "Plain text", fountain: "Fountain screenplay", json: "JSON" };
const EXTENSIONS = { md: "md", markdown: "md", txt: "txt", text: "txt", fountain: "fountain", spmd: "fountain", json: "json" };

/** The index in ``text`` of 1-based ``line`` and ``column``. */
function offsetOf(text, line, column) {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

export function scriptEditor({ id, value = "", onInput }) {
  const highlights = h("div", { class: "highlights", "aria-hidden": "true" });
  const area = h("textarea", {
    id, name: "script", rows: 16, spellcheck: "true", required: true, value,
    "aria-describedby": `${id}-status`,
    oninput: () => { mark(null); onInput(area.value); },
    onscroll: () => { highlights.scrollTop = area.scrollTop; highlights.scrollLeft = area.scrollLeft; },
  });
  const wrap = h("div", { class: "editor" }, h("div", { class: "backdrop" }, highlights), area);

  function mark(where) {
    area.removeAttribute("aria-invalid");
    if (!where) {
      highlights.replaceChildren();
      return;
    }
    const text = area.value;
    const start = offsetOf(text, where.line, where.column);
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const marked = text.slice(start, Math.max(end, start + 1)) || " ";
    replace(
      highlights,
      text.slice(0, start),
      h("mark", { id: `${id}-marker`, dataset: { line: where.line, column: where.column } }, marked),
      text.slice(start + marked.length),
      "\n",
    );
    highlights.scrollTop = area.scrollTop;
    area.setAttribute("aria-invalid", "true");
  }

  function focusAt(where) {
    const at = offsetOf(area.value, where.line, where.column);
    area.focus();
    area.setSelectionRange(at, at);
  }

  return { wrap, area, mark, focusAt };
}

export async function render(main, { isCurrent, id = null }) {
  const catalogue = await settingsCatalogue();
  // Editing: the project as it is now; its version guards the save against a change made meanwhile.
  const current = id ? (await api.get(`/projects/${id}`)).data : null;
  const title = h("input", { id: "title", name: "title", type: "text", maxlength: 200, autocomplete: "off", "aria-describedby": "title-hint",
    value: current ? current.title : "" });
  const format = h(
    "select",
    { id: "script-format", name: "script_format", onchange: () => schedule() },
    catalogue.script_formats.map((value) => h("option", { value, selected: current && current.script_format === value }, FORMAT_NAMES[value] || value)),
  );
  const status = h("div", { id: "script-status", class: "check", role: "status", "aria-live": "polite" }, "Write or paste a script: each “## Heading” starts a scene in Markdown.");
  const editor = scriptEditor({ id: "script", value: current ? current.script || "" : "", onInput: () => schedule() });
  editor.area.setAttribute("aria-describedby", "script-status");
  const scenes = h("ol", { class: "scene-preview", id: "scene-preview" });
  const { fieldset, changed } = settingsForm(catalogue, current ? current.settings : null);
  const fileInput = h("input", {
    id: "script-file", type: "file", accept: ".md,.markdown,.txt,.fountain,.spmd,.json,text/plain,application/json",
    onchange: () => fileInput.files[0] && load(fileInput.files[0]),
  });
  const result = h("div", { id: "create-result" });
  const create = h("button", { type: "submit", id: "create" }, current ? "Save changes" : "Create project");
  let timer = null;
  let serial = 0;
  let lastCheck = null;

  async function load(file) {
    const extension = (file.name.split(".").pop() || "").toLowerCase();
    if (EXTENSIONS[extension]) format.value = EXTENSIONS[extension];
    editor.area.value = await file.text();
    if (!title.value) title.value = file.name.replace(/\.[^.]+$/, "");
    schedule(0);
  }

  function schedule(delay = CHECK_DELAY_MS) {
    clearTimeout(timer);
    timer = setTimeout(check, delay);
  }

  function showProblem(found) {
    const where = found.line ? `Line ${found.line}, column ${found.column}: ` : "";
    const message = String(found.message).replace(/^line \d+:\s*/i, "");
    replace(
      status,
      h("p", { class: "error", id: "script-problem" }, where, message),
      found.hint ? h("p", { class: "muted small" }, `Hint: ${found.hint}`) : null,
      found.line ? h("button", { type: "button", class: "link", onclick: () => editor.focusAt(found) }, `Go to line ${found.line}`) : null,
    );
    if (found.line) editor.mark(found);
    scenes.replaceChildren();
  }

  async function check() {
    const mine = ++serial;
    const script = editor.area.value;
    if (!script.trim()) {
      replace(status, "Write or paste a script: each “## Heading” starts a scene in Markdown.");
      editor.mark(null);
      scenes.replaceChildren();
      return;
    }
    let answer;
    try {
      answer = (await api.post("/scripts/check", { script, script_format: format.value })).data;
    } catch (error) {
      if (mine !== serial || !isCurrent()) return;
      const block = problem(error, check);
      replace(status, block || "The script could not be checked just now.");
      return;
    }
    if (mine !== serial || !isCurrent()) return;
    lastCheck = answer;
    if (!answer.valid) {
      showProblem(answer.problem);
      return;
    }
    editor.mark(null);
    replace(
      status,
      h("p", { class: "ok", id: "script-summary" },
        `${answer.scene_count} scene${answer.scene_count === 1 ? "" : "s"} · about ${seconds(answer.estimated_seconds)}`),
    );
    replace(
      scenes,
      answer.scenes.map((scene) =>
        h("li", {}, h("strong", {}, scene.title || `Scene ${scene.number}`), h("span", { class: "muted small" }, ` · line ${scene.line} · ${seconds(scene.estimated_seconds)}`)),
      ),
    );
  }

  // Only what changed is sent: a new script replaces the scenes (and their edits), so it is sent only when
  // it differs.
  async function save() {
    const body = {};
    const newTitle = title.value.trim();
    if (newTitle && newTitle !== current.title) body.title = newTitle;
    if (editor.area.value !== (current.script || "") || format.value !== current.script_format) {
      body.script = editor.area.value;
      body.script_format = format.value;
    }
    const settings = changed(current.settings);
    if (Object.keys(settings).length) body.settings = settings;
    if (Object.keys(body).length) {
      await api.patch(`/projects/${id}`, body, { headers: { "If-Match": `"v${current.version}"` } });
      flash(body.script ? "Saved. The script's scenes replaced the old ones: render again to see them." : "Saved.");
    }
    navigate(`#/projects/${id}`);
  }

  const form = h(
    "form",
    {
      class: "stack",
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        result.replaceChildren();
        create.disabled = true;
        try {
          if (current) await save();
          else {
            const body = {
              title: title.value.trim() || (lastCheck && lastCheck.title) || "Untitled",
              script: editor.area.value,
              script_format: format.value,
              settings: changed(),
            };
            const created = (await api.post("/projects", body)).data;
            flash(`Created “${created.title}”.`);
            navigate(`#/projects/${created.id}`);
          }
        } catch (error) {
          create.disabled = false;
          if (error instanceof api.ApiError && error.status === 412) {
            replace(result, h("div", { class: "error", role: "alert", id: "edit-conflict" },
              h("p", {}, "This project was changed elsewhere since you opened it. Reload to see the latest version, then make your change again."),
              h("button", { type: "button", class: "secondary", onclick: () => navigate(`#/projects/${id}/edit?again=${Date.now()}`) }, "Reload")));
            return;
          }
          if (error instanceof api.ApiError && error.code === "SCRIPT_PARSE_ERROR") {
            showProblem({ ...error.details, message: error.message });
            editor.focusAt(error.details);
            return;
          }
          const block = problem(error, () => form.requestSubmit());
          if (block) result.append(block);
        }
      },
    },
    h("div", { class: "field" }, h("label", { for: "title" }, "Title"), title,
      h("p", { id: "title-hint", class: "muted small" }, "Optional: the script's own title, or “Untitled”, otherwise.")),
    h("div", { class: "row wrap" },
      h("div", { class: "field" }, h("label", { for: "script-format" }, "Format"), format),
      h("div", { class: "field" }, h("label", { for: "script-file" }, "Open a script file"), fileInput)),
    h("div", { class: "field" }, h("label", { for: "script" }, "Script"), editor.wrap,
      h("p", { class: "muted small" }, "Or drop a .md, .txt, .fountain or .json file on the editor.")),
    status,
    scenes,
    h("details", { open: Boolean(current) }, h("summary", {}, "Settings"), fieldset),
    result,
    h("div", { class: "row" }, create, h("a", { href: current ? `#/projects/${id}` : "#/", class: "button secondary" }, "Cancel")),
  );
  editor.wrap.addEventListener("dragover", (event) => { event.preventDefault(); editor.wrap.classList.add("dragging"); });
  editor.wrap.addEventListener("dragleave", () => editor.wrap.classList.remove("dragging"));
  editor.wrap.addEventListener("drop", (event) => {
    event.preventDefault();
    editor.wrap.classList.remove("dragging");
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) load(file);
  });
  fill(main, h("h1", {}, current ? `Edit “${current.title}”` : "New project"), form);
  if (current) schedule(0);
  return () => clearTimeout(timer);
}
