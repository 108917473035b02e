// What the page checks share: headless Chromium, and a browser context that answers every
// request to another origin with a refusal, noting what was asked.
import { chromium } from "playwright-core";

// CHROMIUM names the browser (default /usr/bin/chromium).
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

// A context for `base` whose requests to other origins are refused; they are listed in the
// returned `foreign` array.
export async function sameOriginContext(browser, base) {
  const origin = new URL(base).origin;
  const context = await browser.newContext();
  const foreign = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin) return route.continue();
    foreign.push(url.href);
    return route.abort("blockedbyclient");
  });
  return { context, foreign };
}
