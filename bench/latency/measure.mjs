// Glass-to-glass latency in headless Chromium: plays a GlassCast output with a real player and,
// for every presented frame (requestVideoFrameCallback), reads the 24-bit wall-clock stamp the
// publisher drew into the picture (epoch milliseconds mod 2^24, one black/white block per bit)
// and compares it with the frame's expected display time on the same machine's clock.
//   node measure.mjs <origin> <player> <stream> <seconds>
// players:
//   watch   LL-HLS exactly as viewers get it: the daemon's own watch page (/watch/<stream>), i.e.
//           the hls.js build and player config the daemon ships; measured on its <video>
//   hlsjs   classic HLS: the same served hls.js with low-latency mode off (whole segments)
//   dashjs  LL-DASH: dash.js from browser-tests/node_modules with live catch-up
//   whep    WebRTC: Chromium's own RTCPeerConnection offering to /live/<stream>/whep (the daemon
//           needs webrtc.enabled), no player library
// Prints JSON: {player, frames, p50, p90, min, max, stalls, stalledMs, ...}. With LATENCY_DUMP=file
// it also writes every frame's stamp and display time and every part/segment load (for budget.mjs).
import { chromium } from '../../browser-tests/node_modules/playwright-core/index.mjs';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(new URL('../../browser-tests/package.json', import.meta.url));
const [origin, player, stream, seconds] = process.argv.slice(2);

// Starts the player on the blank page (not for `watch`, whose page starts its own) and sets
// window.player to the hls.js or dash.js instance (window.pc for whep).
const start = {
  hlsjs: `const p = new Hls({ lowLatencyMode: false }); window.player = p; p.loadSource(${JSON.stringify(`${origin}/live/${stream}/index.m3u8`)}); p.attachMedia(v); v.play().catch(() => {});`,
  // dash.js starts playback itself (autoStart): it refreshes the MPD only after it has seen the
  // video's 'play' event, so a play() of our own before it listens would freeze it at the first MPD.
  // WHEP as a page on its own would do it: recvonly video and audio, the offer POSTed, the
  // answer set; the daemon is ICE-lite, so the browser's checks to its one UDP port do the rest.
  whep: `const pc = window.pc = new RTCPeerConnection(); pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' }); const media = new MediaStream(); v.srcObject = media;
    pc.ontrack = e => { media.addTrack(e.track); v.play().catch(() => {}); };
    (async () => {
      await pc.setLocalDescription(await pc.createOffer());
      const r = await fetch(${JSON.stringify(`${origin}/live/${stream}/whep`)}, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
      if (r.status !== 201) throw new Error('WHEP answered ' + r.status + ': ' + await r.text());
      await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
    })().catch(e => errors.push(String(e)));`,
  dashjs: `const p = dashjs.MediaPlayer().create(); window.player = p; p.updateSettings({ streaming: { liveCatchup: { enabled: true } } }); p.on(dashjs.MediaPlayer.events.ERROR, e => errors.push(JSON.stringify(e.error).slice(0, 100))); p.initialize(v, ${JSON.stringify(`${origin}/live/${stream}/manifest.mpd`)}, true);`,
};

// Runs in the page once a <video> and (for hls.js) window.player exist: collects frames, stalls,
// the player's own latency estimate and every media load.
const collect = `(() => {
  const v = window.video; const frames = window.frames_ = []; window.errors ??= [];
  window.stalls = { count: 0, ms: 0, since: 0, errors: {} }; window.samples = []; window.loads = []; window.warm = false;
  v.addEventListener('waiting', () => { if (!warm) return; stalls.count++; stalls.since = performance.now(); });
  v.addEventListener('playing', () => { if (stalls.since) { stalls.ms += performance.now() - stalls.since; stalls.since = 0; } });
  const hls = window.player;
  if (window.Hls && hls instanceof Hls) {
    hls.on(Hls.Events.ERROR, (e, d) => { if (d.fatal) errors.push(d.details); else if (warm) stalls.errors[d.details] = (stalls.errors[d.details] || 0) + 1; });
    hls.on(Hls.Events.FRAG_LOADED, (e, d) => {
      const s = (d.part || d.frag).stats.loading;
      loads.push({ height: (hls.levels[d.frag.level] || {}).height, sn: d.frag.sn, part: d.part ? d.part.index : -1,
        start: performance.timeOrigin + s.start, first: performance.timeOrigin + s.first, end: performance.timeOrigin + s.end });
    });
  }
  setInterval(() => {
    if (!warm) return;
    const b = v.buffered; const ahead = b.length ? b.end(b.length - 1) - v.currentTime : 0;
    samples.push({ rate: v.playbackRate, ahead, latency: hls && (hls.latency ?? (hls.getCurrentLiveLatency && hls.getCurrentLiveLatency())), target: hls && hls.targetLatency, height: v.videoHeight });
  }, 250);
  const canvas = document.createElement('canvas'); canvas.width = 640; canvas.height = 360;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  const onFrame = (now, meta) => {
    const shownAt = performance.timeOrigin + (meta.expectedDisplayTime || now);
    g.drawImage(v, 0, 0, 640, 360);
    const row = g.getImageData(0, 26, 640, 1).data;
    let stamp = 0;
    for (let i = 0; i < 24; i++) if (row[(26 + 24 * i) * 4] > 128) stamp += 2 ** i;
    const latency = (((Math.floor(shownAt) - stamp) % 16777216) + 16777216) % 16777216;
    // Reads that decode to nonsense (a frame from before the stamp strip, a garbled read) are dropped.
    window.lastRead = latency;
    if (latency < 60000) frames.push({ latency, shownAt, stamp: Math.floor(shownAt) - latency, height: meta.height });
    v.requestVideoFrameCallback(onFrame);
  };
  v.requestVideoFrameCallback(onFrame);
})()`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
try {
  const page = await (await browser.newContext({ viewport: { width: 640, height: 480 } })).newPage();
  if (player === 'watch') {
    await page.goto(`${origin}/watch/${stream}`);
    await page.waitForFunction('window.glasscast && window.glasscast.hls', null, { timeout: 60000 });
    await page.evaluate('window.video = glasscast.video; window.player = glasscast.hls');
  } else {
    await page.goto(origin + '/healthz');
    await page.setContent('<video id="v" muted playsinline width="640" height="360"></video>');
    if (player === 'dashjs') await page.addScriptTag({ path: require.resolve('dashjs') });
    else if (player !== 'whep') await page.addScriptTag({ url: origin + '/assets/hls.min.js' }); // the hls.js the daemon ships
    await page.evaluate(`(() => { window.errors = []; const v = window.video = document.getElementById('v'); ${start[player]} })()`);
  }
  await page.evaluate(collect);
  // Warm-up: the first 30 frames (start-up, the player settling) are not counted.
  await page.waitForFunction('frames_.length > 30', null, { timeout: 60000 }).catch(async e => {
    throw new Error(`no frames: ${await page.evaluate('JSON.stringify({ t: video.currentTime, rs: video.readyState, paused: video.paused, n: frames_.length, last: window.lastRead, errors })')}`);
  });
  await page.evaluate('frames_.length = 0; loads.length = 0; warm = true');
  await page.waitForTimeout(Number(seconds) * 1000);
  // A stall still going on at the end counts up to now.
  await page.evaluate('if (stalls.since) { stalls.ms += performance.now() - stalls.since; stalls.since = 0; }');
  const r = await page.evaluate(`({ frames: frames_, errors, stalls, samples, loads,
    version: window.Hls ? Hls.version : (window.dashjs ? dashjs.Version || '' : '') })`);
  const sorted = r.frames.map(f => f.latency).sort((a, b) => a - b);
  const q = (a, f) => a[Math.min(a.length - 1, Math.floor(f * a.length))];
  const median = xs => { const s = xs.filter(x => typeof x === 'number').sort((a, b) => a - b); return s.length ? +q(s, 0.5).toFixed(3) : null; };
  const heights = {};
  for (const f of r.frames) heights[f.height] = (heights[f.height] || 0) + 1;
  process.stdout.write(JSON.stringify({ player, version: r.version, frames: sorted.length, p50: q(sorted, 0.5),
    p90: q(sorted, 0.9), min: sorted[0], max: sorted[sorted.length - 1], heights,
    stalls: r.stalls.count, stalledMs: Math.round(r.stalls.ms), playerWarnings: r.stalls.errors,
    playerLatency: median(r.samples.map(s => s.latency)), playerTarget: median(r.samples.map(s => s.target)),
    bufferAhead: median(r.samples.map(s => s.ahead)), maxRate: Math.max(...r.samples.map(s => s.rate)),
    errors: r.errors }) + '\n');
  if (process.env.LATENCY_DUMP) writeFileSync(process.env.LATENCY_DUMP, JSON.stringify({ frames: r.frames, loads: r.loads }));
} finally {
  await browser.close();
}
