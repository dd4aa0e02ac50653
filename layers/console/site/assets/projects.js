// The projects list: newest first, a status filter, a page at a time by cursor.
import * as api from "./api.js";
import { badge, fill, h, label, when } from "./dom.js";
import { navigate, problem, settingsCatalogue } from "./app.js";

const PAGE_SIZE = 20;

export async function render(main, { params, notice }) {
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
      list.append(
        h(
          "li",
          { class: "card project" },
          h("a", { href: `#/projects/${item.id}`, class: "title" }, item.title),
          badge(item.status),
          h(
            "span",
            { class: "muted small" },
            `${item.scene_count} scene${item.scene_count === 1 ? "" : "s"} · ${item.settings.aspect_ratio} · ${item.settings.resolution} · updated ${when(item.updated_at)}`,
          ),
        ),
      );
    }
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

  await load(null);
  return null;
}

