// Loads the report's pages in Debian's headless Chromium (driven over the DevTools
// protocol by playwright-core) at a phone's and a laptop's width, and asserts through the
// DOM what a reader relies on: no horizontal overflow of the page or of the efforts
// table, every effort's total inside the viewport's width, every SVG text at least 11 CSS
// px on the phone, the table and the chart complete, no script. Saves a screenshot of
// each page at each width for review (the first screen, and the whole page).
//
// Usage: node check.mjs REPORT_DIR SHOTS_DIR
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync, readdirSync } from "node:fs";
import { resolve, join } from "node:path";
import { pathToFileURL } from "node:url";

const [report = "reports", shots = "target/browser-check"] = process.argv.slice(2);
const root = resolve(report);
mkdirSync(shots, { recursive: true });
const scores = JSON.parse(readFileSync(join(root, "scores.json"), "utf8"));
const efforts = scores.cases.filter((c) => c.kind === "effort");
const criteria = scores.cases.length ? scores.cases[0].criteria.map((c) => c.id) : [];
const first = (dir) => {
  try {
    return readdirSync(join(root, dir)).filter((f) => f.endsWith(".html")).sort()[0];
  } catch {
    return undefined;
  }
};
const pages = [["index", "index.html"]];
if (first("cases")) pages.push(["case", `cases/${first("cases")}`]);
if (first("audits")) pages.push(["audit", `audits/${first("audits")}`]);
const widths = [
  [390, 844],
  [1280, 800],
];
const MIN_TEXT_PX = 11;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
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
const problems = [];
let checks = 0;
const fail = (where, what) => problems.push(`${where}: ${what}`);
for (const [width, height] of widths) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  for (const [kind, path] of pages) {
    const page = await context.newPage();
    const where = `${path} at ${width}x${height}`;
    await page.goto(pathToFileURL(join(root, path)).href);
    const m = await page.evaluate((minPx) => {
      const doc = document.documentElement;
      const out = {
        innerWidth: window.innerWidth,
        pageScroll: doc.scrollWidth,
        scripts: document.querySelectorAll("script").length,
        table: null,
        totals: [],
        rows: 0,
        series: [],
        charts: 0,
        smallText: [],
        texts: 0,
      };
      const table = document.getElementById("scores");
      if (table) {
        const wrap = table.closest(".table-wrap") || table.parentElement;
        out.table = { scroll: wrap.scrollWidth, client: wrap.clientWidth };
        const rows = table.querySelectorAll("tbody tr");
        out.rows = rows.length;
        for (const row of rows) {
          const total = row.querySelector(".total");
          const r = total ? total.getBoundingClientRect() : null;
          out.totals.push(
            r ? { left: r.left, right: r.right, visible: r.width > 0 && r.height > 0 } : null,
          );
        }
      }
      for (const chart of document.querySelectorAll(".progression")) {
        out.charts += 1;
        for (const g of chart.querySelectorAll("g.series")) out.series.push(g.dataset.series);
      }
      for (const t of document.querySelectorAll("svg text")) {
        const ctm = t.getScreenCTM();
        if (!ctm) continue;
        const scale = Math.hypot(ctm.a, ctm.b);
        const size = parseFloat(getComputedStyle(t).fontSize) * scale;
        out.texts += 1;
        if (size < minPx - 0.01) out.smallText.push(`${t.textContent.slice(0, 30)} (${size.toFixed(1)} px)`);
      }
      return out;
    }, MIN_TEXT_PX);
    checks += 1;
    if (m.pageScroll > m.innerWidth) fail(where, `page overflows horizontally (${m.pageScroll} px wide in ${m.innerWidth})`);
    if (m.scripts) fail(where, `${m.scripts} script elements`);
    if (kind === "index") {
      if (!m.table) fail(where, "no efforts table (#scores)");
      else if (m.table.scroll > m.table.client + 1)
        fail(where, `efforts table overflows its box (${m.table.scroll} px in ${m.table.client})`);
      if (m.rows !== efforts.length) fail(where, `efforts table has ${m.rows} rows, expected ${efforts.length}`);
      m.totals.forEach((t, i) => {
        const id = efforts[i] ? efforts[i].id : `row ${i + 1}`;
        if (!t) fail(where, `${id}: no total cell (.total)`);
        else if (!t.visible || t.left < 0 || t.right > m.innerWidth)
          fail(where, `${id}: total outside the viewport's width (${t.left.toFixed(0)}–${t.right.toFixed(0)} of ${m.innerWidth})`);
      });
      if (m.charts !== 1) fail(where, `found ${m.charts} progression charts, expected 1`);
      const expected = [...criteria, "total"];
      if (JSON.stringify(m.series) !== JSON.stringify(expected))
        fail(where, `chart series ${m.series}, expected ${expected}`);
    }
    if (width <= 390 && m.smallText.length)
      fail(where, `${m.smallText.length} of ${m.texts} SVG texts under ${MIN_TEXT_PX} px: ${m.smallText.slice(0, 4).join("; ")}`);
    const shot = join(shots, `${kind}-${width}.png`);
    await page.screenshot({ path: shot, fullPage: false });
    await page.screenshot({ path: join(shots, `${kind}-${width}-full.png`), fullPage: true });
    console.log(`${where}: ${m.texts} SVG texts, page ${m.pageScroll} px wide; screenshot ${shot}`);
    await page.close();
  }
  await context.close();
}
await browser.close();
if (problems.length) {
  console.log(`browser check FAILED (${problems.length}):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`browser: ${checks} page views passed, 0 failed`);
