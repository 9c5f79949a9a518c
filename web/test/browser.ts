// Debian's Chromium driven by playwright-core, and what every page of the web app
// is checked for: a screenshot to look at, and axe-core finding no serious or
// critical accessibility violation, in the light and the dark theme.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** The flags Chromium needs on a headless machine without a GPU (software WebGL for the maps). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

export const chromiumMissing = () => (existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium)`);

/**
 * The little of the DOM that the functions these tests run inside the page use:
 * the tests are type-checked with Node's types, not the browser's.
 */
export interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  value?: string | number;
}
export interface PageWindow {
  document: { documentElement: PageElement; querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> };
}

export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: FLAGS });

export const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
  // govern (a <script> tag or an eval inside the page would be refused, as they should be).
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  // The map canvas is a WebGL image with its own label; the rest of the page is checked whole.
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run({ exclude: [['.maplibregl-canvas']] }, { resultTypes: ['violations'] })).violations;
  });
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('\n')}`).join('\n');
}

/**
 * Screenshot `name` of the page as it is, and no serious or critical axe violation
 * on it — unless the page runs without JavaScript, where axe cannot run (those
 * pages are the same markup the checked ones are).
 */
export async function checkPage(page: Page, name: string, options: { axe?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
  if (options.axe === false) return;
  const violations = await seriousViolations(page);
  assert.equal(violations.length, 0, `${name} (${page.url()}): axe found\n${describeViolations(violations)}`);
}

/** The page in the light theme, then in the dark one (the theme buttons in the header, as a person switches). */
export async function checkBothThemes(page: Page, name: string): Promise<void> {
  await setTheme(page, 'light');
  await checkPage(page, `${name}-light`);
  await setTheme(page, 'dark');
  await checkPage(page, `${name}-dark`);
  await setTheme(page, 'system');
}

export async function setTheme(page: Page, theme: 'light' | 'dark' | 'system'): Promise<void> {
  const button = page.locator(`form.theme button[value="${theme}"]`);
  if ((await button.getAttribute('aria-pressed')) === 'true') return;
  // A click that lands while the page is still settling from the last switch can be superseded: click again.
  for (let attempt = 1; ; attempt++) {
    await button.click();
    try {
      await page.waitForFunction((t) => (globalThis as unknown as PageWindow).document.documentElement.dataset.theme === t, theme, { timeout: 5000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  // Every map on the page has redrawn its basemap in the theme's colours.
  if (theme !== 'system') {
    await page.waitForFunction((t) => [...(globalThis as unknown as PageWindow).document.querySelectorAll('[data-loaded="true"]')].every((map) => map.dataset.scheme === t), theme);
  }
}

/** A map on the page has drawn its first frame. */
export async function mapLoaded(page: Page, selector = '[data-loaded="true"]'): Promise<void> {
  await page.waitForSelector(selector, { timeout: 30_000 });
}

export type { Browser, BrowserContext, Page };
