// Latency budget, stage by stage, from one instrumented run (see RESULTS.md, "Where the time goes"):
//   node budget.mjs <probe log written by the daemon with -Dglasscast.latencyProbe=FILE> <player dump (LATENCY_DUMP)>
// (run.sh does both with LATENCY_OUT=dir LATENCY_PROBE=1; LatencyProbeLog in server/ writes the log)
// The probe log has a line per mark: "<epoch ms> <stage> <what> <pts ms> <extra>"; the decode
// thread reads each source picture's wall-clock stamp, which ties source PTS to the publisher's
// clock. Every frame the page presented is followed back through the stages by its stamp.
import { readFileSync } from 'node:fs';

const [probeFile, dumpFile] = process.argv.slice(2);
const ptsOfStamp = new Map();
const at = { ingest: new Map(), decoded: new Map() };
const encoded = {}; const segin = {}; const parts = {};
for (const line of readFileSync(probeFile, 'utf8').split('\n')) {
  const [wallText, stage, what, ptsText, extraText] = line.split(' ');
  if (!extraText) continue;
  const wall = Number(wallText), pts = Number(ptsText), extra = Number(extraText);
  if (stage === 'ingest') at.ingest.set(pts, wall);
  else if (stage === 'decoded') { at.decoded.set(pts, wall); ptsOfStamp.set(extra, pts); }
  else if (stage === 'encoded') (encoded[what] ??= new Map()).set(pts, wall);
  else if (stage === 'segin') (segin[what.split('/').pop()] ??= new Map()).set(pts, wall);
  else if (stage === 'part') {
    const [path, sn, index] = what.split(':');
    (parts[path.split('/').pop()] ??= []).push({ sn: Number(sn), index: Number(index), first: pts, last: extra, wall });
  }
}
const dump = JSON.parse(readFileSync(dumpFile, 'utf8'));
const renditionOf = height => (height === 540 ? 'source' : `p${height}`);
const rows = {};
for (const frame of dump.frames) {
  const pts = ptsOfStamp.get(frame.stamp % 16777216);
  if (pts === undefined) continue;
  const rendition = renditionOf(frame.height);
  const part = (parts[rendition] || []).find(p => p.first <= pts && pts <= p.last);
  if (!part) continue;
  const load = dump.loads.find(l => l.height === frame.height && l.sn === part.sn && (l.part === part.index || l.part === -1));
  // A passthrough rung is neither decoded nor encoded: its units go from ingest to the segmenter.
  const transcoded = encoded[rendition] !== undefined;
  const marks = [frame.stamp, at.ingest.get(pts), transcoded ? at.decoded.get(pts) : NaN, encoded[rendition]?.get(pts),
    segin[rendition]?.get(pts), part.wall, load?.first, load?.end, frame.shownAt];
  const r = rows[rendition] ??= [];
  r.push(marks);
}
const stages = ['publisher: stamp → RTMP ingest', 'ingest → decoded', 'decoded → encoded (scale + x264)',
  'encoded (or ingest) → segmenter', 'segmenter → part closed', 'part closed → first byte in browser',
  'first byte → last byte', 'part loaded → presented', 'total (glass to glass)'];
const quantile = (xs, f) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); return s.length ? String(Math.round(s[Math.floor(f * s.length)])) : '—'; };
for (const [rendition, r] of Object.entries(rows)) {
  console.log(`\n${rendition}: ${r.length} frames, ms per stage (a stage a rung skips is folded into the next)\n| stage | p50 | p90 |\n|---|---|---|`);
  for (let i = 0; i < stages.length - 1; i++) {
    const deltas = r.map(m => {
      let j = i; while (j >= 0 && !Number.isFinite(m[j])) j--;
      return Number.isFinite(m[i + 1]) && j >= 0 ? m[i + 1] - m[j] : NaN;
    });
    console.log(`| ${stages[i]} | ${quantile(deltas, 0.5)} | ${quantile(deltas, 0.9)} |`);
  }
  const totals = r.map(m => m.at(-1) - m[0]);
  console.log(`| ${stages.at(-1)} | ${quantile(totals, 0.5)} | ${quantile(totals, 0.9)} |`);
}
