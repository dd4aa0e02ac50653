// The projects list: newest first, a status filter, a page at a time by cursor.
import * as api from "./api.js";
import { badge, fill, h, label, when } from "./dom.js";
import { navigate, problem, settingsCatalogue } from "./app.js";

const PAGE_SIZE = 20;
// Projects queued or rendering are looked at again this often, while the list is shown.
const REFRESH_MS = 4000;
const BUSY = new Set(["QUEUED", "RENDERING"]);

export async function render(main, { params, notice, isCurrent }) {
  const status = params.get("status") || "";
  const catalogue = await settingsCatalogue();
  const filter = h(
    "select",
    {
      id: "status-filter",
      onchange: (event) => navigate(event.target.value ? `#/?status=${event.target.value}` : "#/"),
    },
    h("option", { value: "" }, "All projects"),
    catalogue.project_statuses.map((value) => h("option", { value, selected: value === status }, label(value))),
  );
  const list = h("ul", { class: "projects", id: "project-list", "aria-live": "polite" });
  // The badge of each project shown that is still queued or rendering, by id.
  const watched = new Map();
  let timer = null;
  const more = h("div", { class: "row" });
  fill(main, 
    h(
      "div",
      { class: "row spread" },
      h("h1", {}, "Projects"),
      h("a", { class: "button", href: "#/new" }, "New project"),
    ),
    notice ? h("p", { class: "notice", role: "status" }, notice) : null,
    h("div", { class: "row" }, h("label", { for: "status-filter" }, "Show"), filter),
    list,
    more,
  );

  async function load(cursor) {
    const page = (await api.get("/projects", { query: { status, cursor, limit: PAGE_SIZE } })).data;
    if (!cursor && page.items.length === 0) {
      list.append(
        h(
          "li",
          { class: "empty" },
          status ? `No ${label(status).toLowerCase()} projects.` : "No projects yet. ",
          status ? null : h("a", { href: "#/new" }, "Write your first script."),
        ),
      );
    }
    for (const item of page.items) {
      const shown = badge(item.status);
      if (BUSY.has(item.status)) watched.set(item.id, shown);
      list.append(
        h(
          "li",
          { class: "card project", id: `project-${item.id}` },
          h("a", { href: `#/projects/${item.id}`, class: "title" }, item.title),
          shown,
          h(
            "span",
            { class: "muted small" },
            `${item.scene_count} scene${item.scene_count === 1 ? "" : "s"} · ${item.settings.aspect_ratio} · ${item.settings.resolution} · updated ${when(item.updated_at)}`,
          ),
        ),
      );
    }
    watch();
    more.replaceChildren();
    if (page.next_cursor) {
      const button = h(
        "button",
        {
          type: "button",
          class: "secondary",
          id: "load-more",
          onclick: async () => {
            button.disabled = true;
            try {
              await load(page.next_cursor);
            } catch (error) {
              button.disabled = false;
              const block = problem(error, () => button.click());
              if (block) more.append(block);
            }
          },
        },
        "Load more",
      );
      more.append(button);
    }
  }

  // A render ending shows here without a reload: each watched project is read again until it is idle.
  async function refresh() {
    if (isCurrent && !isCurrent()) return;
    for (const [id, shown] of [...watched]) {
      try {
        const project = (await api.get(`/projects/${id}`)).data;
        if (isCurrent && !isCurrent()) return;
        const fresh = badge(project.status);
        shown.replaceWith(fresh);
        if (BUSY.has(project.status)) watched.set(id, fresh);
        else watched.delete(id);
      } catch {
        watched.delete(id); // gone or unreachable: the next visit shows it as it is
      }
    }
    timer = null;
    watch();
  }

  function watch() {
    if (watched.size && timer === null) timer = setTimeout(refresh, REFRESH_MS);
  }

  await load(null);
  return null;
}

