// Drives Debian's headless Chromium through one scripted visit and prints what it saw as JSON.
//   node drive.mjs spec.json
// spec: { "viewport": {"width": 390, "height": 844}, "steps": [ ... ] }, steps run in order:
//   {"goto": url}                          open a page served by the daemon
//   {"content": html, "scripts": [path]}   open inline HTML, then add scripts from node_modules
//   {"wait": ms}                           let the page run (e.g. while the probe measures)
//   {"waitFor": js, "timeout": ms}         poll until the expression is truthy (else fail)
//   {"eval": js, "as": name}               record the expression's value; prints "reached <name>"
//                                          to stderr once done
//   {"sample": js, "every": ms, "for": ms, "as": name}   record a series of values
//   {"click": selector}
//   {"screenshot": path}
//   {"probe": {"video": js, "player": js}} start the playback probe (probe.js) on the video the
//                                          expression names, played by the player it names
//   {"probeReport": name}                  record the probe's report since playback started or
//                                          the previous report, with the page and console errors
//                                          of that time
// Every page gets probe.js before its own scripts, with the audio unmuted by the browser's
// autoplay policy flag (pages may still mute their video).
// Output: {"ok": bool, "error": string?, "values": {...}, "console": [...], "pageErrors": [...]}
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const probeSource = readFileSync(fileURLToPath(new URL('./probe.js', import.meta.url)), 'utf8');
const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const result = { ok: true, values: {}, console: [], pageErrors: [] };
// Errors with the time they happened, so that each probe report gets those of its own window.
const consoleErrors = [];
const pageErrors = [];
let lastReportEpoch = 0;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--no-first-run', '--disable-sync', '--disable-quic', '--autoplay-policy=no-user-gesture-required',
         // Audio is decoded and played into nothing: the probe counts decoded audio, nobody hears it.
         '--mute-audio'],
});
try {
  const context = await browser.newContext({ viewport: spec.viewport || { width: 1280, height: 720 } });
  await context.addInitScript({ content: probeSource });
  // Chromium asks every origin for a favicon on its own; the daemon has none, and the 404 would be
  // a console error of no page's making.
  await context.route(/\/favicon\.ico$/, route => route.fulfill({ status: 204 }));
  const page = await context.newPage();
  page.on('console', m => {
    if (result.console.length < 500) result.console.push(`${m.type()}: ${m.text()}`);
    if (m.type() === 'error') consoleErrors.push({ at: Date.now(), text: m.text() + locationOf(m) });
  });
  page.on('pageerror', e => {
    result.pageErrors.push(String(e));
    pageErrors.push({ at: Date.now(), text: String(e && e.stack || e).slice(0, 500) });
  });
  for (const step of spec.steps) {
    if (step.goto) await page.goto(step.goto, { waitUntil: 'load' });
    else if (step.content !== undefined) {
      await page.setContent(step.content, { waitUntil: 'load' });
      await page.evaluate(probeSource);
      for (const script of step.scripts || []) await page.addScriptTag({ path: require.resolve(script) });
    } else if (step.wait) await page.waitForTimeout(step.wait);
    else if (step.waitFor) await page.waitForFunction(step.waitFor, null, { timeout: step.timeout || 30000, polling: 100 });
    else if (step.eval) {
      result.values[step.as] = await page.evaluate(step.eval);
      // For a test that acts once the page got this far (BrowserDriver's Running.awaitStep).
      process.stderr.write(`reached ${step.as}\n`);
    }
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
    else if (step.probe) {
      await page.evaluate(`glasscastProbe.watch(() => (${step.probe.video}), () => (${step.probe.player || 'null'}))`);
    } else if (step.probeReport) {
      const report = await page.evaluate('glasscastProbe.report()');
      const end = Date.now();
      const inWindow = e => e.at > lastReportEpoch && e.at <= end;
      report.pageErrors = pageErrors.filter(inWindow);
      report.consoleErrors = consoleErrors.filter(inWindow);
      lastReportEpoch = end;
      result.values[step.probeReport] = report;
    } else throw new Error('unknown step ' + JSON.stringify(step));
  }
} catch (e) {
  result.ok = false;
  result.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result));

function locationOf(message) {
  const l = message.location();
  return l && l.url ? ` (${l.url})` : '';
}
