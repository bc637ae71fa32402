// The Firefox smoke suite: Debian's firefox-esr, driven over WebDriver BiDi by puppeteer-core (no browser
// download), through what town halls do with the dashboard. Run by tests/browser/test_firefox.py:
//   node tests/firefox/smoke.mjs http://127.0.0.1:PORT OUT_DIR [/usr/bin/firefox-esr]
// Prints one JSON object: each check's name, whether it passed, and what was seen; console errors apart.
// The printed sheets go to OUT_DIR/*.pdf (their pages are read by the test: Firefox compresses them).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const base = process.argv[2];
const out = process.argv[3];
const executablePath = process.argv[4] || "/usr/bin/firefox-esr";
const TIMEOUT = 60_000;
const results = [];
const errors = [];

async function check(name, run) {
  try {
    results.push({ name, ok: true, seen: await run() });
  } catch (error) {
    results.push({ name, ok: false, seen: String(error && error.stack ? error.stack : error) });
  }
}

async function newPage(browser, width, height) {
  const page = await browser.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.setViewport({ width, height });
  page.on("console", (message) => { if (message.type() === "error") { errors.push(message.text()); } });
  page.on("pageerror", (error) => errors.push(String(error)));
  return page;
}

// Dash has no callback in flight (its loading markers are gone).
async function idle(page) {
  await page.waitForFunction(() => !document.querySelector('[data-dash-is-loading="true"]'));
}

const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath,
  headless: true,
  protocol: "webDriverBiDi",
  extraPrefsFirefox: { "intl.accept_languages": "fr-FR" },
});
try {
  const page = await newPage(browser, 1440, 900);

  await check("region map", async () => {
    await page.goto(`${base}/?annee=2022`);
    await page.waitForSelector("#region-map .choroplethlocation");
    await page.waitForSelector("#region-map .scattergeo .point");
    await idle(page);
    return { markers: await page.$$eval("#region-map .scattergeo .point", (points) => points.length) };
  });

  await check("year step", async () => {
    await page.click("#ctl-year-next");
    await page.waitForFunction(() => document.querySelector("#ctl-year-value").textContent.trim() === "2023"
      && location.search.includes("annee=2023"));
    await page.waitForFunction(() => document.querySelector("#region-figures .year-line").textContent.includes("2023"));
    /* The operations table follows, patched whether it is live or still the one written with the page. */
    await page.waitForFunction(() => {
      const links = [...document.querySelectorAll("#region-table tbody th a")];
      return links.length > 0 && links.every((link) => link.href.includes("annee=2023"));
    });
    await idle(page);
    const written = await page.$eval("#region-table > .table-scroll", (table) => table.hasAttribute("data-until-live"));
    return { url: page.url(), table: written ? "written" : "live" };
  });

  await check("commune page", async () => {
    await page.goto(`${base}/commune/60159?annee=2022`);
    await page.waitForSelector("#commune-map .scattergeo .point");
    await page.waitForSelector("#commune-operations .op-sheet");
    await idle(page);
    return {
      title: await page.$eval(".page-title", (title) => title.textContent.trim()),
      sheets: await page.$$eval("#commune-operations .op-sheet", (sheets) => sheets.length),
    };
  });

  await check("printed sheet", async () => {
    const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
    writeFileSync(join(out, "sheet.pdf"), pdf);
    // The map's names, its last trace's: the commune's own first (print.css leaves it out), then its neighbours'.
    const names = await page.$eval("#commune-map .js-plotly-plot", (map) => map.data.at(-1).text.filter(Boolean));
    return { bytes: pdf.length, names };
  });

  // Sheets that run to several pages, each page under the repeated header (the test reads every page).
  for (const [name, path, ready] of [
    ["commune-02691", "/commune/02691?annee=2022", "#commune-map .scattergeo .point"],
    ["region", "/?annee=2022", "#region-map .scattergeo .point"],
    ["operation", "/operation/saint-quentin-marechal-juin-residence-etudiante", ".operation-page .page-title"],
  ]) {
    await check(`printed ${name}`, async () => {
      await page.goto(`${base}${path}`);
      await page.waitForSelector(ready);
      await idle(page);
      const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
      writeFileSync(join(out, `${name}.pdf`), pdf);
      return { bytes: pdf.length, title: await page.$eval(".page-title", (title) => title.textContent.replace(/\s+/g, " ").trim()) };
    });
  }

  for (const [width, height] of [[1920, 1080], [1024, 768]]) {
    await check(`slide ${width}x${height}`, async () => {
      const slide = await newPage(browser, width, height);
      await slide.goto(`${base}/?presentation=1&annee=2022`);
      await slide.waitForSelector(".shell.presenting");
      await slide.waitForSelector("#region-map .scattergeo .point");
      await idle(slide);
      const seen = await slide.evaluate(() => {
        const box = (selector) => { const r = document.querySelector(selector).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
        return {
          scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
          map: box("#region-map"), mix: box("#region-mix"), play: box("#ctl-play"),
          scale: Number(getComputedStyle(document.documentElement).getPropertyValue("--slide-scale")),
        };
      });
      await slide.close();
      return seen;
    });
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ browser: executablePath, results, errors }));
