// The Data Exchange configuration page (SPEC §9.5). It talks only to the API beside it:
// POST token (or an X-Api-Key), GET dynamic-entity-tables, the configurations at
// dynamic-entity-configurations, and GET dynamic-entity/{alias} to try an entity. Every URL is
// relative to the page, so the page works wherever the application is mounted.
"use strict";

const TYPES = ["string", "integer", "decimal", "boolean"];
const RULES = [
  ["min", "Min"], ["max", "Max"], ["minLength", "Min length"], ["maxLength", "Max length"],
  ["precision", "Precision"], ["scale", "Scale"],
];

const state = { auth: null, authText: "", tables: [], configurations: [], editing: null, exposed: [] };
const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) node.append(child);
  return node;
}

let controls = 0;

// A control with its visible label, tied by `for` (a label around a select would take the
// options' text into the control's name).
function labelled(text, control) {
  controls += 1;
  control.id = control.id || `control-${controls}`;
  const label = element("label", { for: control.id, text });
  const pair = element("span", { class: "pair" });
  if (control.type === "checkbox") pair.append(control, label);
  else pair.append(label, control);
  return pair;
}

async function api(method, path, body) {
  const headers = { Accept: "application/json", ...state.auth };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: response.status, ok: response.ok, json, text };
}

// Every message of an error answer, as [key, message]: the resource's plain 422
// (`errors: {key: [messages]}`), JSON:API errors, the entities' plain list, or a message.
function messages(answer) {
  const json = answer.json;
  const found = [];
  if (json && json.errors && !Array.isArray(json.errors) && typeof json.errors === "object") {
    for (const [key, list] of Object.entries(json.errors)) {
      for (const message of [].concat(list)) found.push([key, String(message)]);
    }
  } else if (json && Array.isArray(json.errors)) {
    for (const error of json.errors) {
      const pointer = error.source && error.source.pointer ? error.source.pointer : "";
      found.push([pointer, error.detail || error.title || "refused"]);
    }
  } else if (Array.isArray(json)) {
    for (const error of json) found.push(["", error.message || JSON.stringify(error)]);
  } else if (json && (json.message || json.error_description || json.error)) {
    found.push(["", json.message || json.error_description || json.error]);
  }
  if (found.length === 0) found.push(["", `The server answered ${answer.status}.`]);
  return found;
}

function showList(region, items) {
  region.replaceChildren();
  if (items.length === 0) return;
  const list = element("ul");
  for (const item of items) list.append(element("li", { text: item }));
  region.append(list);
}

// ----- logging in ------------------------------------------------------------------------

async function logIn(event) {
  event.preventDefault();
  const key = $("api-key").value.trim();
  const errors = $("login-errors");
  showList(errors, []);
  if (key) {
    state.auth = { "X-Api-Key": key };
    state.authText = `-H 'X-Api-Key: ${key}'`;
  } else {
    const username = $("username").value.trim();
    const password = $("password").value;
    if (!username || !password) {
      showList(errors, ["Give a username and a password, or an API key."]);
      return;
    }
    const form = new URLSearchParams({ grant_type: "password", username, password });
    const response = await fetch("token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form,
    });
    const json = await response.json().catch(() => null);
    if (!response.ok || !json || !json.access_token) {
      showList(errors, [(json && (json.error_description || json.error)) || `Log in failed (${response.status}).`]);
      return;
    }
    state.auth = { Authorization: `Bearer ${json.access_token}` };
    state.authText = "-H 'Authorization: Bearer <token>'";
  }
  const tables = await api("GET", "dynamic-entity-tables");
  if (!tables.ok) {
    state.auth = null;
    showList(errors, messages(tables).map(([, message]) => message));
    return;
  }
  $("who").textContent = key ? "Logged in with an API key." : `Logged in as ${$("username").value.trim()}.`;
  $("login").hidden = true;
  $("workspace").hidden = false;
  $("password").value = "";
  await load(tables);
  newConfiguration();
  $("table").focus();
}

function logOut() {
  state.auth = null;
  $("who").textContent = "";
  $("workspace").hidden = true;
  $("login").hidden = false;
  $("username").focus();
}

// ----- what exists -----------------------------------------------------------------------

async function load(tables) {
  const answer = tables || (await api("GET", "dynamic-entity-tables"));
  state.tables = answer.ok ? answer.json.data : [];
  const configurations = await api("GET", "dynamic-entity-configurations?page[limit]=100");
  state.configurations = configurations.ok ? configurations.json.data : [];
  renderTables();
  renderConfigurations();
}

function renderTables() {
  const select = $("table");
  const chosen = select.value;
  select.replaceChildren(element("option", { value: "", text: "Choose a table" }));
  for (const table of state.tables) {
    const configured = table.aliases.length ? ` (configured: ${table.aliases.join(", ")})` : "";
    select.append(element("option", { value: table.tableName, text: table.tableName + configured }));
  }
  select.value = chosen;
}

function renderConfigurations() {
  const list = $("configurations");
  list.replaceChildren();
  if (state.configurations.length === 0) list.append(element("li", { text: "None yet." }));
  for (const configuration of state.configurations) {
    const alias = configuration.tableAlias;
    const edit = element("button", { type: "button", "aria-label": `Edit ${alias}`, text: "Edit" });
    edit.addEventListener("click", () => editConfiguration(alias));
    const status = configuration.isActive ? "active" : "inactive";
    list.append(element("li", {},
      element("a", { href: `dynamic-entity/${encodeURIComponent(alias)}`, text: alias }),
      ` on ${configuration.tableName} (${status}) `, edit));
  }
}

// ----- the editor ------------------------------------------------------------------------

function tableNamed(name) {
  return state.tables.find((table) => table.tableName === name);
}

function guessType(declared) {
  if (/bool/.test(declared)) return "boolean";
  if (/int|serial/.test(declared)) return "integer";
  if (/numeric|decimal|real|double|float/.test(declared)) return "decimal";
  return "string";
}

function newConfiguration() {
  state.editing = null;
  $("editor-title").textContent = "New configuration";
  $("alias").readOnly = false;
  $("alias").value = "";
  $("alias").dataset.touched = "";
  $("active").checked = true;
  $("deletable").checked = false;
  $("read-roles").value = "ROLE_ADMIN";
  $("write-roles").value = "ROLE_ADMIN";
  $("table").value = "";
  $("relations").replaceChildren();
  clearErrors();
  renderColumns(null);
}

function editConfiguration(alias) {
  const configuration = state.configurations.find((c) => c.tableAlias === alias);
  if (!configuration) return;
  newConfiguration();
  state.editing = alias;
  const definition = configuration.definition;
  $("editor-title").textContent = `Edit ${alias}`;
  $("table").value = configuration.tableName;
  $("alias").value = alias;
  $("alias").readOnly = true;
  $("active").checked = configuration.isActive;
  $("deletable").checked = Boolean(definition.isDeletable);
  if (definition.access) {
    $("read-roles").value = definition.access.read.join(", ");
    $("write-roles").value = definition.access.write.join(", ");
  }
  renderColumns(configuration);
  $("identifier").value = definition.identifier;
  for (const relation of definition.relations || []) addRelation(relation);
  showLive(alias);
  $("table").focus();
}

function renderColumns(configuration) {
  const container = $("columns");
  container.replaceChildren();
  const table = tableNamed($("table").value);
  $("columns-hint").hidden = Boolean(table);
  const identifier = $("identifier");
  identifier.replaceChildren();
  if (!table) return;
  const fields = configuration ? configuration.definition.fields : null;
  for (const column of table.columns) {
    identifier.append(element("option", { value: column.name, text: column.name }));
    const field = fields ? fields.find((f) => f.fieldName === column.name) : null;
    container.append(columnControls(column, field, fields !== null));
  }
  const key = table.columns.find((column) => column.primaryKey && column.unique)
    || table.columns.find((column) => column.unique);
  identifier.value = configuration ? configuration.definition.identifier : (key ? key.name : table.columns[0]?.name || "");
}

function columnControls(column, field, existing) {
  const generated = column.hasDefault || (column.primaryKey && /int/.test(column.declaredType));
  const rules = (field && field.validation) || {};
  const expose = element("input", { type: "checkbox", name: "expose", checked: existing ? Boolean(field) : true });
  const visible = element("input", { name: "visible", value: field ? field.fieldVisibleName : column.name, spellcheck: "false" });
  const type = element("select", { name: "type" });
  const chosenType = field ? field.type : guessType(column.declaredType);
  for (const name of TYPES) type.append(element("option", { value: name, text: name, selected: name === chosenType }));
  const required = element("input", { type: "checkbox", name: "required",
    checked: field ? rules.isRequired : !column.nullable && !generated });
  const creatable = element("input", { type: "checkbox", name: "creatable",
    checked: field ? field.isCreatable : !(column.primaryKey && generated) });
  const editable = element("input", { type: "checkbox", name: "editable",
    checked: field ? field.isEditable : !column.primaryKey });
  const fieldset = element("fieldset", { class: "column", "data-column": column.name },
    element("legend", { text: column.name }),
    element("span", { class: "declared", text: `${column.declaredType || "untyped"}${column.nullable ? "" : ", not null"}${column.primaryKey ? ", key" : ""}${column.hasDefault ? ", default" : ""}` }),
    labelled("Expose", expose), labelled("API name", visible), labelled("Type", type),
    labelled("Required", required), labelled("Creatable", creatable), labelled("Editable", editable));
  const bounds = element("div", { class: "rules" });
  for (const [rule, text] of RULES) {
    const input = element("input", { type: "number", name: rule, inputmode: "numeric",
      value: rules[rule] === undefined ? "" : String(rules[rule]) });
    bounds.append(labelled(text, input));
  }
  fieldset.append(bounds, element("span", { class: "error", "data-error": "" }));
  return fieldset;
}

function addRelation(relation) {
  const container = $("relations");
  const index = container.children.length + 1;
  const name = element("input", { name: "name", value: relation ? relation.name : "", spellcheck: "false" });
  const child = element("select", { name: "child" });
  for (const configuration of state.configurations) {
    child.append(element("option", { value: configuration.tableAlias, text: configuration.tableAlias }));
  }
  const mapping = relation && relation.relationFieldMapping ? relation.relationFieldMapping[0] : {};
  const parentField = element("input", { name: "parent", value: mapping.parentFieldName || "", spellcheck: "false" });
  const childField = element("input", { name: "childField", value: mapping.childFieldName || "", spellcheck: "false" });
  const editable = element("input", { type: "checkbox", name: "editable", checked: relation ? relation.isEditable : false });
  const remove = element("button", { type: "button", text: "Remove relation" });
  const fieldset = element("fieldset", { class: "relation" },
    element("legend", { text: `Relation ${index}` }),
    labelled("Relation name", name), labelled("Child entity", child),
    labelled("Parent column", parentField), labelled("Child column", childField),
    labelled("Writes through it", editable), remove,
    element("span", { class: "error", "data-error": "" }));
  if (relation) child.value = relation.childAlias;
  remove.addEventListener("click", () => fieldset.remove());
  container.append(fieldset);
  return fieldset;
}

function number(input) {
  const text = input.value.trim();
  return text === "" ? undefined : Number(text);
}

function roles(text) {
  return text.split(",").map((role) => role.trim()).filter(Boolean);
}

// The configuration the form describes, and the column of each field (for its errors).
function collect() {
  const fields = [];
  const columns = [];
  for (const fieldset of $("columns").querySelectorAll("fieldset.column")) {
    const get = (name) => fieldset.querySelector(`[name="${name}"]`);
    if (!get("expose").checked) continue;
    const validation = { isRequired: get("required").checked };
    for (const [rule] of RULES) {
      const value = number(get(rule));
      if (value !== undefined) validation[rule] = value;
    }
    fields.push({
      fieldName: fieldset.dataset.column,
      fieldVisibleName: get("visible").value.trim(),
      type: get("type").value,
      isCreatable: get("creatable").checked,
      isEditable: get("editable").checked,
      validation,
    });
    columns.push(fieldset);
  }
  const relations = [];
  const relationSets = [...$("relations").querySelectorAll("fieldset.relation")];
  for (const fieldset of relationSets) {
    const get = (name) => fieldset.querySelector(`[name="${name}"]`);
    relations.push({
      name: get("name").value.trim(),
      childAlias: get("child").value,
      isEditable: get("editable").checked,
      relationFieldMapping: [{ childFieldName: get("childField").value.trim(), parentFieldName: get("parent").value.trim() }],
    });
  }
  const definition = {
    identifier: $("identifier").value,
    isDeletable: $("deletable").checked,
    fields,
    relations,
    access: { read: roles($("read-roles").value), write: roles($("write-roles").value) },
  };
  const configuration = {
    tableAlias: $("alias").value.trim(),
    tableName: $("table").value,
    isActive: $("active").checked,
    definition,
  };
  return { configuration, columns, relationSets };
}

function clearErrors() {
  showList($("errors"), []);
  for (const node of document.querySelectorAll("#editor .error")) node.textContent = "";
  for (const node of document.querySelectorAll("#editor [aria-invalid]")) node.removeAttribute("aria-invalid");
}

const CONTROL_OF = {
  fieldName: "expose", fieldVisibleName: "visible", type: "type", isCreatable: "creatable",
  isEditable: "editable", isRequired: "required", name: "name", childAlias: "child",
  childFieldName: "childField", parentFieldName: "parent",
};

// Puts a refused key's message next to its control; answers the label shown in the list.
function place(key, message, collected) {
  const path = key.replace(/^\/?data\/(attributes\/)?/, "").split(/[./[\]]+/).filter(Boolean);
  const mark = (control, errorNode, text) => {
    if (control) control.setAttribute("aria-invalid", "true");
    if (errorNode) errorNode.textContent = errorNode.textContent ? `${errorNode.textContent} ${text}` : text;
  };
  const top = { tableAlias: ["alias", "Alias"], tableName: ["table", "Table"], isActive: ["active", "Active"] };
  if (path.length === 1 && top[path[0]]) {
    const [id, label] = top[path[0]];
    mark($(id), $(`${id}-error`), message);
    return `${label}: ${message}`;
  }
  if (path[0] === "definition" && path[1] === "identifier") {
    mark($("identifier"), $("identifier-error"), message);
    return `Identifier: ${message}`;
  }
  const list = path[1] === "fields" ? collected.columns : path[1] === "relations" ? collected.relationSets : null;
  const fieldset = list && /^\d+$/.test(path[2] || "") ? list[Number(path[2])] : null;
  if (fieldset) {
    const rest = path.slice(3);
    const control = fieldset.querySelector(`[name="${CONTROL_OF[rest[rest.length - 1]] || rest[rest.length - 1]}"]`);
    const what = rest.join(".") || "definition";
    mark(control, fieldset.querySelector("[data-error]"), `${what}: ${message}`);
    const legend = fieldset.querySelector("legend").textContent;
    return `${path[1] === "fields" ? "Column" : ""} ${legend}, ${what}: ${message}`.trim();
  }
  return key ? `${key}: ${message}` : message;
}

async function save(event) {
  event.preventDefault();
  clearErrors();
  const collected = collect();
  const alias = collected.configuration.tableAlias;
  const answer = state.editing
    ? await api("PUT", `dynamic-entity-configurations/${encodeURIComponent(state.editing)}`, { data: collected.configuration })
    : await api("POST", "dynamic-entity-configurations", { data: collected.configuration });
  if (!answer.ok) {
    const shown = messages(answer).map(([key, message]) => place(key, message, collected));
    showList($("errors"), shown);
    const invalid = document.querySelector("#editor [aria-invalid]");
    if (invalid) invalid.focus();
    return;
  }
  await load();
  state.editing = alias;
  $("editor-title").textContent = `Edit ${alias}`;
  $("alias").readOnly = true;
  showLive(alias);
  $("live-url").focus();
}

function showLive(alias) {
  const url = new URL(`dynamic-entity/${encodeURIComponent(alias)}`, document.baseURI).href;
  const link = $("live-url");
  link.href = url;
  link.textContent = url;
  $("sample").textContent = `curl ${state.authText} -H 'Accept: application/json' '${url}?page[limit]=5'`;
  $("try-status").textContent = "";
  $("result").textContent = "";
  $("live").hidden = false;
}

async function tryIt() {
  const url = `${$("live-url").href}?page[limit]=5`;
  $("try-status").textContent = "Asking…";
  const answer = await api("GET", url);
  $("try-status").textContent = `GET answered ${answer.status}.`;
  $("result").textContent = answer.json ? JSON.stringify(answer.json, null, 2) : answer.text;
}

function tableChosen() {
  const alias = $("alias");
  if (!state.editing && !alias.dataset.touched) alias.value = $("table").value.replaceAll("_", "-");
  renderColumns(null);
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", logIn);
  $("logout").addEventListener("click", logOut);
  $("new").addEventListener("click", () => { newConfiguration(); $("live").hidden = true; $("table").focus(); });
  $("table").addEventListener("change", tableChosen);
  $("alias").addEventListener("input", () => { $("alias").dataset.touched = "yes"; });
  $("add-relation").addEventListener("click", () => addRelation(null).querySelector("input").focus());
  $("editor").addEventListener("submit", save);
  $("try").addEventListener("click", tryIt);
});
