// Opens the /docs page of each application given on the command line in headless Chromium,
// with every request to another origin refused, and checks that the page renders every
// operation of the application's /openapi.json without a console error (SPEC §10.2).
//
//   node check-docs.mjs http://127.0.0.1:8080 http://127.0.0.1:8081
//
// CHROMIUM names the browser (default /usr/bin/chromium); SCREENSHOTS names a folder for a
// picture of each page.
import { launch, sameOriginContext } from "./browser.mjs";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function fail(message) {
  console.error(`docs check: ${message}`);
  process.exitCode = 1;
}

async function documentedOperations(base) {
  const response = await fetch(`${base}/openapi.json`);
  if (!response.ok) throw new Error(`${base}/openapi.json answered ${response.status}`);
  const document = await response.json();
  const operations = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      if (item[method]) operations.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return { title: document.info.title, operations: operations.sort() };
}

async function check(browser, base) {
  const expected = await documentedOperations(base);
  const { context, foreign } = await sameOriginContext(browser, base);
  const problems = [];
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });

  try {
    await render(page, base, expected);
  } finally {
    for (const url of foreign) fail(`${base}: the page asked another origin for ${url}`);
    for (const problem of problems) fail(`${base}: ${problem}`);
    await context.close();
  }
}

async function render(page, base, expected) {
  const response = await page.goto(`${base}/docs`, { waitUntil: "load" });
  if (response.status() !== 200) fail(`${base}/docs answered ${response.status()}`);
  await page.waitForSelector(".opblock", { timeout: 30_000 });
  await page.waitForLoadState("networkidle");

  const title = (await page.textContent(".info .title")) ?? "";
  if (!title.includes(expected.title)) fail(`${base}: title "${title}", not "${expected.title}"`);

  const shown = (
    await page.$$eval(".opblock", (blocks) =>
      blocks.map((block) => {
        const method = block.querySelector(".opblock-summary-method")?.textContent ?? "?";
        const path = block.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "?";
        return `${method.toUpperCase()} ${path}`;
      }),
    )
  ).sort();
  const missing = expected.operations.filter((operation) => !shown.includes(operation));
  const unknown = shown.filter((operation) => !expected.operations.includes(operation));
  if (missing.length) fail(`${base}: operations not shown: ${missing.join(", ")}`);
  if (unknown.length) fail(`${base}: operations shown but not documented: ${unknown.join(", ")}`);

  // Open the first operation: its parameters and responses render too.
  await page.click(".opblock .opblock-summary", { timeout: 10_000 });
  await page.waitForSelector(".opblock.is-open .responses-wrapper", { timeout: 10_000 });

  if (process.env.SCREENSHOTS) {
    const name = new URL(base).port || "page";
    await page.screenshot({ path: `${process.env.SCREENSHOTS}/docs-${name}.png`, fullPage: false });
  }
  console.log(`docs check: ${base}/docs shows ${shown.length} operations of "${expected.title}"`);
}

const bases = process.argv.slice(2);
if (bases.length === 0) {
  fail("usage: node check-docs.mjs BASE_URL...");
} else {
  const browser = await launch();
  try {
    for (const base of bases) await check(browser, base.replace(/\/$/, ""));
  } catch (error) {
    fail(error.stack ?? String(error));
  } finally {
    await browser.close();
  }
}
