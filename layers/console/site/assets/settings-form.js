// A settings form built from GET /settings: the API's own choices, bounds and defaults, no second list.
import { h, label } from "./dom.js";

/** The form's fieldset and a function reading the values that differ from the defaults.
 *  ``current`` holds a project's settings (to edit them); without it the defaults are shown. */
export function settingsForm(catalogue, current = null) {
  const readers = [];
  const controls = [];
  for (const field of catalogue.fields) {
    if (field.kind === "choices") continue; // image_providers: image_provider is its one-provider form
    const id = `setting-${field.name}`;
    const hintId = `${id}-hint`;
    const value = current && field.name in current ? current[field.name] : field.default;
    let control;
    let read;
    if (field.kind === "choice") {
      control = h(
        "select",
        { id, name: field.name, "aria-describedby": hintId },
        field.choices.map((choice) => h("option", { value: String(choice), selected: String(choice) === String(value) }, String(choice))),
      );
      read = () => {
        const choice = field.choices.find((item) => String(item) === control.value);
        return choice === undefined ? control.value : choice;
      };
    } else if (field.kind === "boolean") {
      control = h("input", { id, name: field.name, type: "checkbox", checked: Boolean(value), "aria-describedby": hintId });
      read = () => control.checked;
    } else if (field.kind === "integer") {
      control = h("input", {
        id, name: field.name, type: "number", inputmode: "numeric", step: "1",
        min: field.minimum ?? undefined, max: field.maximum ?? undefined,
        value: value === null || value === undefined ? "" : String(value),
        placeholder: field.nullable ? "not set" : undefined, "aria-describedby": hintId,
      });
      read = () => (control.value === "" ? null : Number(control.value));
    } else {
      control = h("input", {
        id, name: field.name, type: "text", maxlength: field.max_length ?? undefined,
        value: value ?? "", "aria-describedby": hintId,
      });
      read = () => control.value;
    }
    readers.push([field, read]);
    controls.push(
      h(
        "div",
        { class: field.kind === "boolean" ? "field check" : "field" },
        h("label", { for: id }, label(field.name)),
        control,
        h("p", { id: hintId, class: "muted small" }, field.description),
      ),
    );
  }
  const fieldset = h("fieldset", { class: "settings" }, h("legend", {}, "Settings"), h("div", { class: "grid" }, controls));
  const changed = (base = null) => {
    const values = {};
    for (const [field, read] of readers) {
      const value = read();
      const reference = base && field.name in base ? base[field.name] : field.default;
      if (JSON.stringify(value) !== JSON.stringify(reference)) values[field.name] = value;
    }
    return values;
  };
  return { fieldset, changed };
}
