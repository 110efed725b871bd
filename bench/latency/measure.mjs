// Glass-to-glass latency in headless Chromium: plays a GlassCast output with a real player and,
// for every decoded frame (requestVideoFrameCallback), reads the 24-bit wall-clock stamp the
// publisher drew into the picture (epoch milliseconds mod 2^24, one black/white block per bit)
// and compares it with the frame's expected display time on the same machine's clock.
//   node measure.mjs <origin> <player: hlsjs-ll|hlsjs-ll-catchup|hlsjs|dashjs> <url> <seconds>
// Prints JSON: {player, frames, p50, p90, min, max, errors}.
import { chromium } from '../../browser-tests/node_modules/playwright-core/index.mjs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../browser-tests/package.json', import.meta.url));
const [origin, player, url, seconds] = process.argv.slice(2);
const scripts = { 'hlsjs-ll': 'hls.js/dist/hls.min.js', 'hlsjs-ll-catchup': 'hls.js/dist/hls.min.js',
  'hlsjs': 'hls.js/dist/hls.min.js', 'dashjs': 'dashjs' };
const start = {
  'hlsjs-ll': `const p = new Hls({ lowLatencyMode: true }); p.on(Hls.Events.ERROR, (e, d) => d.fatal && errors.push(d.details)); p.loadSource(URL_); p.attachMedia(v);`,
  'hlsjs-ll-catchup': `const p = new Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5 }); p.on(Hls.Events.ERROR, (e, d) => d.fatal && errors.push(d.details)); p.loadSource(URL_); p.attachMedia(v);`,
  'hlsjs': `const p = new Hls({ lowLatencyMode: false }); p.on(Hls.Events.ERROR, (e, d) => d.fatal && errors.push(d.details)); p.loadSource(URL_); p.attachMedia(v);`,
  'dashjs': `const p = dashjs.MediaPlayer().create(); p.updateSettings({ streaming: { liveCatchup: { enabled: true } } }); p.on(dashjs.MediaPlayer.events.ERROR, e => errors.push(JSON.stringify(e.error).slice(0, 100))); p.initialize(v, URL_, true);`,
};
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
try {
  const page = await (await browser.newContext({ viewport: { width: 640, height: 360 } })).newPage();
  await page.goto(origin + '/healthz');
  await page.setContent('<video id="v" muted autoplay playsinline width="640" height="360"></video>');
  await page.addScriptTag({ path: require.resolve(scripts[player]) });
  await page.evaluate(`(() => {
    window.errors = []; window.latencies = [];
    const v = document.getElementById('v'); const URL_ = ${JSON.stringify(url)};
    ${start[player]}
    v.play().catch(() => {});
    const canvas = document.createElement('canvas'); canvas.width = 640; canvas.height = 360;
    const g = canvas.getContext('2d', { willReadFrequently: true });
    const onFrame = (now, meta) => {
      const shownAt = performance.timeOrigin + (meta.expectedDisplayTime || now);
      g.drawImage(v, 0, 0, 640, 360);
      const row = g.getImageData(0, 26, 640, 1).data;
      let stamp = 0;
      for (let i = 0; i < 24; i++) if (row[(26 + 24 * i) * 4] > 128) stamp += 2 ** i;
      const latency = (((Math.floor(shownAt) - stamp) % 16777216) + 16777216) % 16777216;
      if (latency < 60000) latencies.push(latency);
      v.requestVideoFrameCallback(onFrame);
    };
    v.requestVideoFrameCallback(onFrame);
  })()`);
  await page.waitForFunction('latencies.length > 30', null, { timeout: 60000 });
  await page.evaluate('latencies.length = 0');
  await page.waitForTimeout(Number(seconds) * 1000);
  const { latencies, errors } = await page.evaluate('({ latencies, errors })');
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = f => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
  process.stdout.write(JSON.stringify({ player, frames: sorted.length, p50: q(0.5), p90: q(0.9), min: sorted[0],
    max: sorted[sorted.length - 1], errors }) + '\n');
} finally {
  await browser.close();
}
