// Drives Debian's headless Chromium through one scripted visit and prints what it saw as JSON.
//   node drive.mjs spec.json
// spec: { "viewport": {"width": 390, "height": 844}, "steps": [ ... ] }, steps run in order:
//   {"goto": url}                          open a page served by the daemon
//   {"content": html, "scripts": [path]}   open inline HTML, then add scripts from node_modules
//   {"wait": ms}
//   {"waitFor": js, "timeout": ms}         poll until the expression is truthy (else fail)
//   {"eval": js, "as": name}               record the expression's value
//   {"sample": js, "every": ms, "for": ms, "as": name}   record a series of values
//   {"click": selector}
//   {"screenshot": path}
// Output: {"ok": bool, "error": string?, "values": {...}, "console": [...], "pageErrors": [...]}
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const result = { ok: true, values: {}, console: [], pageErrors: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync', '--disable-quic', '--autoplay-policy=no-user-gesture-required'],
});
try {
  const context = await browser.newContext({ viewport: spec.viewport || { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.on('console', m => result.console.length < 500 && result.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', e => result.pageErrors.push(String(e)));
  for (const step of spec.steps) {
    if (step.goto) await page.goto(step.goto, { waitUntil: 'load' });
    else if (step.content !== undefined) {
      await page.setContent(step.content, { waitUntil: 'load' });
      for (const script of step.scripts || []) await page.addScriptTag({ path: require.resolve(script) });
    } else if (step.wait) await page.waitForTimeout(step.wait);
    else if (step.waitFor) await page.waitForFunction(step.waitFor, null, { timeout: step.timeout || 30000, polling: 100 });
    else if (step.eval) result.values[step.as] = await page.evaluate(step.eval);
    else if (step.sample) {
      const samples = [];
      const end = Date.now() + step.for;
      while (Date.now() < end) {
        samples.push(await page.evaluate(step.sample));
        await page.waitForTimeout(step.every);
      }
      result.values[step.as] = samples;
    } else if (step.click) await page.click(step.click);
    else if (step.screenshot) await page.screenshot({ path: step.screenshot });
  }
} catch (e) {
  result.ok = false;
  result.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result));
