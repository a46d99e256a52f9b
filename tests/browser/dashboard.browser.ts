/// <reference lib="dom" />
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { chromium, Browser, Page } from "playwright-core";
import { findChromium } from "../../local/dashboard/chromium";
import { KPI_VISUALS } from "../../local/dashboard/data";
import { main as lakehouse } from "../../local/lakehouse/cli";
import { REPO_ROOT } from "../../core/paths";

/** Opens the `lakehouse --report` page in the system Chromium and checks every visual drew its data. */

const OUT = path.join(REPO_ROOT, ".ci", "out");
const PAGE = path.join(OUT, "dashboard.html");
const SHOT = path.join(OUT, "dashboard.png");

interface ChartState {
  id: string;
  kpi?: string;
  points: number[];
  inkedPixels: number;
}

describe("dashboard report in headless Chromium", function () {
  let browser: Browser;
  let page: Page;
  let charts: ChartState[];

  before(async function () {
    // Not skipped when the browser is missing: CI must install it, so its absence fails the run.
    const executablePath = findChromium();
    fs.mkdirSync(OUT, { recursive: true });
    // The run's JSON goes to stdout; keep it out of the test output.
    const log = console.log;
    console.log = () => undefined;
    let code: number;
    try {
      code = await lakehouse(["--events", "20000", "--seed", "7", "--days", "7", "--json", "--report", PAGE]);
    } finally {
      console.log = log;
    }
    assert.equal(code, 0, "lakehouse --report failed");
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // Any request leaving the file is a dependency the page was meant to inline.
    const requests: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith("file:")) requests.push(r.url());
    });
    await page.goto(`file://${PAGE}`);
    await page.waitForFunction(() => (window as unknown as { __dashboard?: unknown }).__dashboard !== undefined, undefined, { timeout: 10_000 });
    assert.deepEqual(errors, [], "the page threw");
    assert.deepEqual(requests, [], "the page fetched from the network");
    charts = await page.evaluate(() => {
      type Dataset = { data: number[]; backgroundColor?: string; borderColor?: string };
      const d = (window as unknown as { __dashboard: { charts: Record<string, { data: { datasets: Dataset[] } }> } }).__dashboard;
      const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      return Object.entries(d.charts).map(([id, c]) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement;
        const px = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        // Pixels in a dataset's own colour: axes, grid and labels are grey, so only drawn data counts.
        const colours = c.data.datasets.map((s) => rgb(String(s.borderColor ?? s.backgroundColor)));
        let inked = 0;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3] > 200 && colours.some(([r, g, b]) => Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 60)) inked++;
        }
        return {
          id,
          kpi: canvas.dataset.kpi,
          points: c.data.datasets.map((s) => s.data.filter((v) => Number.isFinite(v)).length),
          inkedPixels: inked,
        };
      });
    });
    await page.screenshot({ path: SHOT, fullPage: true });
  });

  after(async () => {
    await browser?.close();
  });

  for (const { kpi } of KPI_VISUALS) {
    for (const visual of ["trend", "breakdown"]) {
      it(`${kpi}: the ${visual} chart has data points and drew pixels`, () => {
        const c = charts.find((x) => x.id === `${visual}-${kpi}`);
        assert.ok(c, `no ${visual} chart for ${kpi}`);
        assert.ok(c.points.length > 0 && c.points.every((n) => n > 0), `${c.id}: datasets with points ${JSON.stringify(c.points)}`);
        assert.ok(c.inkedPixels > 1000, `${c.id}: only ${c.inkedPixels} non-blank pixels`);
      });
    }
  }

  for (const id of ["conversion-regions", "freshness"]) {
    it(`${id}: the chart has every dataset filled and drew pixels`, () => {
      const c = charts.find((x) => x.id === id);
      assert.ok(c, `no chart ${id}`);
      assert.ok(c.points.length >= 3 && c.points.every((n) => n > 0), `${id}: datasets with points ${JSON.stringify(c.points)}`);
      assert.ok(c.inkedPixels > 1000, `${id}: only ${c.inkedPixels} non-blank pixels`);
    });
  }

  it("each KPI shows a headline value", async () => {
    const headlines = await page.$$eval("section.kpi", (s) =>
      s.map((e) => [(e as HTMLElement).dataset.kpi ?? "", e.querySelector(".headline")?.textContent ?? ""]),
    );
    assert.deepEqual(
      headlines.map(([k]) => k),
      KPI_VISUALS.map((v) => v.kpi),
    );
    for (const [k, text] of headlines) assert.match(text, /^\d+(\.\d+)?( %| per day)/, `${k}: headline "${text}"`);
  });

  it("kept a screenshot", () => {
    assert.ok(fs.statSync(SHOT).size > 10_000, `${SHOT} is missing or empty`);
  });
});
