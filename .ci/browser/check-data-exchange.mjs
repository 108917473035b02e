// The Data Exchange configuration page (SPEC §9.5) in headless Chromium, end to end: an
// administrator opens GET /data-exchange on the backend, logs in, picks a table that no
// configuration exposes yet, is told next to the field what a save refused, saves a valid
// configuration, follows its live URL and tries a GET, and the new entity is then read
// through the API and found in /openapi.json (SPEC §9.7). Requests to another origin are
// refused and any console error fails the check.
//
//   node check-data-exchange.mjs http://127.0.0.1:8081 [TABLE] [ALIAS]
//
// CHROMIUM names the browser (default /usr/bin/chromium); SCREENSHOTS names a folder for
// pictures of the page.
import { launch, sameOriginContext } from "./browser.mjs";

const USERNAME = process.env.DX_USERNAME ?? "admin@example.com";
const PASSWORD = process.env.DX_PASSWORD ?? "change123";

function fail(message) {
  console.error(`data exchange check: ${message}`);
  process.exitCode = 1;
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function token(base) {
  const response = await fetch(`${base}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", username: USERNAME, password: PASSWORD }),
  });
  expect(response.ok, `POST /token answered ${response.status}`);
  return (await response.json()).access_token;
}

async function screenshot(page, name) {
  if (process.env.SCREENSHOTS) {
    await page.screenshot({ path: `${process.env.SCREENSHOTS}/data-exchange-${name}.png`, fullPage: true });
  }
}

async function walk(page, base, table, alias) {
  const response = await page.goto(`${base}/data-exchange`, { waitUntil: "load" });
  expect(response.status() === 200, `GET /data-exchange answered ${response.status()}`);
  const policy = response.headers()["content-security-policy"] ?? "";
  expect(policy.includes("default-src 'none'") && policy.includes("script-src 'self'"),
    `the page's Content-Security-Policy is not strict: "${policy}"`);

  // Logging in: a wrong password is refused in an alert, the right one opens the workspace.
  await page.getByLabel("Username").fill(USERNAME);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("alert").filter({ hasText: /./ }).first().waitFor({ timeout: 10_000 });
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByLabel("Table", { exact: true }).waitFor({ state: "visible", timeout: 10_000 });
  expect(await page.getByLabel("API key").isHidden(), "the login form is still shown after logging in");

  // The introspected tables are offered, the configured entities listed.
  const offered = await page.getByLabel("Table", { exact: true }).locator("option").allTextContents();
  expect(offered.some((text) => text.startsWith(table)), `table ${table} is not offered: ${offered.join(", ")}`);
  expect(await page.getByRole("link", { name: "countries", exact: true }).count() === 1,
    "the configured entity countries is not listed");

  // Picking the table shows each column with its labelled controls.
  await page.getByLabel("Table", { exact: true }).selectOption(table);
  const columns = page.locator("fieldset.column");
  await columns.first().waitFor({ timeout: 10_000 });
  const names = await columns.locator("legend").allTextContents();
  expect(names.length > 1, `table ${table} shows ${names.length} columns`);
  for (const name of names) {
    const group = page.getByRole("group", { name, exact: true });
    for (const label of ["Expose", "API name", "Type", "Required", "Creatable", "Editable"]) {
      expect(await group.getByLabel(label, { exact: true }).count() === 1, `column ${name} has no "${label}" control`);
    }
  }
  expect(await page.getByLabel("Active", { exact: true }).isChecked(), "a new configuration is not active by default");

  // A refused save: a bad alias and a bad type, each shown in the alert and at its field.
  const last = names[names.length - 1];
  await page.getByLabel("Alias", { exact: true }).fill("not an alias!");
  await page.getByRole("group", { name: last, exact: true }).getByLabel("Type").selectOption("boolean");
  await page.getByRole("button", { name: "Save" }).click();
  const alert = page.locator("#errors[role=alert]");
  await alert.locator("li").first().waitFor({ timeout: 10_000 });
  const refused = await alert.textContent();
  expect(/Alias/.test(refused), `the alert does not name the alias: "${refused}"`);
  expect(refused.includes(last), `the alert does not name the column ${last}: "${refused}"`);
  const typeControl = page.getByRole("group", { name: last, exact: true }).getByLabel("Type");
  expect(await typeControl.getAttribute("aria-invalid") === "true", `the type of ${last} is not marked invalid`);
  expect(await page.getByLabel("Alias", { exact: true }).getAttribute("aria-invalid") === "true", "the alias is not marked invalid");
  await screenshot(page, "refused");

  // The accepted save: every column but the last exposed, under the names shown.
  await page.getByLabel("Alias", { exact: true }).fill(alias);
  const lastGroup = page.getByRole("group", { name: last, exact: true });
  await lastGroup.getByLabel("Type").selectOption("string");
  await lastGroup.getByLabel("Expose").uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  const link = page.locator("#live-url");
  await link.waitFor({ state: "visible", timeout: 10_000 });
  const url = await link.getAttribute("href");
  expect(url === `${base}/dynamic-entity/${alias}`, `the live URL is ${url}`);
  expect((await page.locator("#errors").textContent()).trim() === "", "the alert still shows errors after saving");
  expect(await page.getByRole("link", { name: alias, exact: true }).count() === 1, `${alias} is not listed after saving`);

  await page.getByRole("button", { name: "Try it" }).click();
  await page.locator("#try-status").filter({ hasText: "answered" }).waitFor({ timeout: 10_000 });
  const status = await page.locator("#try-status").textContent();
  expect(status.includes("200"), `Try it: ${status}`);
  const shown = JSON.parse(await page.locator("#result").textContent());
  expect(Array.isArray(shown.data) && shown.data.length > 0, "Try it shows no rows");
  expect(!(last in shown.data[0]), `Try it shows the column ${last}, which was not exposed`);
  await screenshot(page, "saved");
  return { names, last };
}

async function check(browser, base, table, alias) {
  const { context, foreign } = await sameOriginContext(browser, base);
  const problems = [];
  const page = await context.newPage();
  page.on("console", (message) => {
    // The refused login and save are answered 400 and 422 on purpose.
    if (message.type() === "error" && !/status of (400|401|422)/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  try {
    const { names, last } = await walk(page, base, table, alias);
    // Outside the page: the entity is served and documented.
    const bearer = { Authorization: `Bearer ${await token(base)}`, Accept: "application/json" };
    const rows = await fetch(`${base}/dynamic-entity/${alias}?page[limit]=100`, { headers: bearer });
    expect(rows.status === 200, `GET /dynamic-entity/${alias} answered ${rows.status}`);
    const data = (await rows.json()).data;
    const keys = Object.keys(data[0]).sort();
    const exposed = names.filter((name) => name !== last).sort();
    expect(JSON.stringify(keys) === JSON.stringify(exposed), `rows carry ${keys}, not ${exposed}`);
    const document = await (await fetch(`${base}/openapi.json`)).json();
    expect(document.paths[`/dynamic-entity/${alias}`], `/openapi.json does not describe /dynamic-entity/${alias}`);

    // Editing: the saved entity deactivated from the page is gone at once, and back when
    // activated again.
    await page.getByRole("button", { name: `Edit ${alias}` }).click();
    const active = page.getByLabel("Active", { exact: true });
    await active.uncheck();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("listitem").filter({ hasText: `${alias} on ${table} (inactive)` }).waitFor({ timeout: 10_000 });
    const gone = await fetch(`${base}/dynamic-entity/${alias}`, { headers: bearer });
    expect(gone.status === 404, `an inactive entity answered ${gone.status}`);
    await active.check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("listitem").filter({ hasText: `${alias} on ${table} (active)` }).waitFor({ timeout: 10_000 });
    const back = await fetch(`${base}/dynamic-entity/${alias}`, { headers: bearer });
    expect(back.status === 200, `the entity activated again answered ${back.status}`);
    console.log(`data exchange check: ${base}/data-exchange configured ${table} as ${alias}; ${data.length} rows read`);
  } finally {
    for (const url of foreign) fail(`the page asked another origin for ${url}`);
    for (const problem of problems) fail(problem);
    await context.close();
  }
}

const [base, table = "stores", alias = "shop-stores"] = process.argv.slice(2);
if (!base) {
  fail("usage: node check-data-exchange.mjs BACKEND_URL [TABLE] [ALIAS]");
} else {
  const browser = await launch();
  try {
    await check(browser, base.replace(/\/$/, ""), table, alias);
  } catch (error) {
    fail(error.stack ?? String(error));
  } finally {
    await browser.close();
  }
}
