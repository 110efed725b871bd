// WebRTC viewers of one rung in one headless Chromium: opens `count` WHEP sessions (each its own
// RTCPeerConnection, recvonly video and audio, its video on a small <video> so Chromium renders
// it as a viewer's would), lets them settle, then for `seconds` records what each received and
// the daemon's CPU time over the same window.
//   node viewers.mjs <origin> <stream> <count> <seconds> <daemon pid>
// Prints JSON: {viewers, connected, daemonCpuPercent, framesPerSecond (min and median per viewer),
// freezes (Chromium's freezeCount, summed), freezeSeconds, packetsLost, nacks, ...}.
import { chromium } from '../../browser-tests/node_modules/playwright-core/index.mjs';
import { readFileSync } from 'node:fs';

const [origin, stream, count, seconds, pid] = process.argv.slice(2);
const ticksPerSecond = 100; // USER_HZ on Linux

function daemonCpuSeconds() {
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, after the parenthesised name.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

const open = `(async (n, url, render) => {
  window.pcs = []; window.sessions = [];
  for (let i = 0; i < n; i++) {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    if (render) {
      const v = document.createElement('video');
      v.muted = true; v.playsInline = true; v.width = 64; v.height = 36;
      document.body.appendChild(v);
      const media = new MediaStream(); v.srcObject = media;
      pc.ontrack = e => { media.addTrack(e.track); v.play().catch(() => {}); };
    }
    await pc.setLocalDescription(await pc.createOffer());
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
    if (r.status !== 201) throw new Error('WHEP answered ' + r.status + ': ' + await r.text());
    sessions.push(new URL(r.headers.get('Location'), url).href);
    await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
    pcs.push(pc);
  }
})`;

const stats = `(async () => Promise.all(pcs.map(async pc => {
  const out = { state: pc.connectionState };
  for (const s of (await pc.getStats()).values()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') Object.assign(out, { frames: s.framesDecoded || 0,
      freezes: s.freezeCount || 0, freezeSeconds: s.totalFreezesDuration || 0, lost: s.packetsLost || 0,
      packets: s.packetsReceived || 0, nacks: s.nackCount || 0 });
  }
  return out;
})))()`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(origin + '/healthz');
  await page.setContent('<body></body>');
  await page.evaluate(`${open}(${Number(count)}, ${JSON.stringify(`${origin}/live/${stream}/whep`)}, ${process.env.WEBRTC_RENDER !== '0'})`);
  await page.waitForTimeout(8000); // connected, first key frame, jitter buffers settled
  const before = await page.evaluate(stats);
  const cpuBefore = daemonCpuSeconds();
  const started = Date.now();
  await page.waitForTimeout(Number(seconds) * 1000);
  const after = await page.evaluate(stats);
  const cpu = daemonCpuSeconds() - cpuBefore;
  const wall = (Date.now() - started) / 1000;
  const delta = after.map((a, i) => ({ state: a.state, fps: (a.frames - before[i].frames) / wall,
    freezes: a.freezes - before[i].freezes, freezeSeconds: a.freezeSeconds - before[i].freezeSeconds,
    lost: a.lost - before[i].lost, nacks: a.nacks - before[i].nacks }));
  const fps = delta.map(d => d.fps).sort((a, b) => a - b);
  const sum = key => delta.reduce((total, d) => total + d[key], 0);
  process.stdout.write(JSON.stringify({ viewers: Number(count), connected: delta.filter(d => d.state === 'connected').length,
    daemonCpuPercent: +(100 * cpu / wall).toFixed(1), fpsMin: +(fps[0] ?? 0).toFixed(1),
    fpsMedian: +(fps[Math.floor(fps.length / 2)] ?? 0).toFixed(1), freezes: sum('freezes'),
    freezeSeconds: +sum('freezeSeconds').toFixed(2), packetsLost: sum('lost'), nacks: sum('nacks') }) + '\n');
  // Ended as a player would, so the next round starts with none (a vanished viewer lingers 30 s).
  await page.evaluate(`Promise.all(sessions.map(s => fetch(s, { method: 'DELETE' })))`);
} finally {
  await browser.close();
}
