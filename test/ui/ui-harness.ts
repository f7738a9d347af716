/** What the browser tests share: the built UI, one Chromium, and pages signed in as a role. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';

const root = new URL('../..', import.meta.url).pathname;

export const desktop = { width: 1280, height: 800 };
export const phone = { width: 390, height: 844 };

/** Builds `ui/dist` when a checkout has not yet (the server serves it). */
export function ensureUiBuilt(): void {
  if (existsSync(join(root, 'ui/dist/index.html'))) return;
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(root, 'ui/vite.config.ts')], { stdio: 'ignore' });
}

/** A Chromium against one server, opening pages signed in with the tokens given, and collecting uncaught page errors. */
export class UiHarness {
  readonly pageErrors: string[] = [];
  readonly #browser: Browser;
  readonly #base: string;
  readonly #tokens: Record<string, string>;

  private constructor(browser: Browser, base: string, tokens: Record<string, string>) {
    this.#browser = browser;
    this.#base = base;
    this.#tokens = tokens;
  }

  static async launch(base: string, tokens: Record<string, string>): Promise<UiHarness> {
    ensureUiBuilt();
    return new UiHarness(await launchBrowser(), base, tokens);
  }

  get browser(): Browser {
    return this.#browser;
  }

  /** A page signed in with `who`'s token (stored the way the sign-in form stores it). */
  async open(who: string, path: string, viewport = desktop): Promise<Page> {
    const token = this.#tokens[who];
    if (token === undefined) throw new Error(`no token for ${who}`);
    const context = await this.#browser.newContext({ viewport });
    await context.addInitScript((value) => localStorage.setItem('trunkline.token', value), token);
    const page = await context.newPage();
    page.on('pageerror', (error) => this.pageErrors.push(`${path}: ${error.message}`));
    await page.goto(`${this.#base}/${path}`);
    return page;
  }

  close(): Promise<void> {
    return this.#browser.close();
  }
}
