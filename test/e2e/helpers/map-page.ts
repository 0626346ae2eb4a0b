/** Page-side helpers for the one-map e2e tests: readiness waits, projection and pixel reads. */
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';

/** Waits until MapLibre is idle, deck.gl tiles are loaded and a few more frames have been drawn. */
export async function waitForMapReady(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => window.__citycheck?.map && window.__citycheck.mapIdle && window.__citycheck.deckLoaded, null, { timeout, polling: 100 });
  // Let the map settle: idle must hold for a moment (deck tiles can trigger one more repaint).
  await page.waitForFunction(
    () =>
      new Promise<boolean>((resolve) => {
        const c = window.__citycheck;
        const idle = c.idleCount;
        setTimeout(() => resolve(c.mapIdle && c.deckLoaded && c.idleCount === idle), 400);
      }),
    null,
    { timeout, polling: 100 },
  );
}

/** Screen position (page CSS px) of a lon/lat: the map container's offset + map.project. */
export async function projectToPage(page: Page, lon: number, lat: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([lo, la]) => {
      const c = window.__citycheck;
      const rect = c.map!.getContainer().getBoundingClientRect();
      const p = c.project(lo, la)!;
      return { x: rect.left + p.x, y: rect.top + p.y };
    },
    [lon, lat] as const,
  );
}

export type Rgb = [number, number, number];

export interface Shot {
  png: PNG;
  at: (x: number, y: number) => Rgb;
}

/** A screenshot decoded for pixel reads (device scale 1, so CSS px = image px). */
export async function shoot(page: Page, file: string): Promise<Shot> {
  const buf = await page.screenshot({ path: file });
  const png = PNG.sync.read(buf);
  return {
    png,
    at: (x, y) => {
      const i = (Math.round(y) * png.width + Math.round(x)) * 4;
      return [png.data[i], png.data[i + 1], png.data[i + 2]];
    },
  };
}

/** Euclidean RGB distance. */
export const colorDistance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Sum of pixel differences between two shots inside a rectangle (for "the picture changed" checks). */
export function changedPixels(a: Shot, b: Shot, rect: { x: number; y: number; w: number; h: number }, threshold = 30): number {
  let n = 0;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    for (let x = rect.x; x < rect.x + rect.w; x++) if (colorDistance(a.at(x, y), b.at(x, y)) > threshold) n++;
  }
  return n;
}
