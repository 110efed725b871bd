// An independent conformance checker of a live GlassCast stream, written from RFC 8216bis (HLS,
// LL-HLS) and DASH-IF IOP (DASH, low-latency DASH), with third-party parsers (m3u8-parser,
// mpd-parser) and Debian's ffprobe for the media's own timestamps; none of the packager's code.
//
//   node conformance.mjs <stream base URL, e.g. http://127.0.0.1:8080/live/main/> [seconds=20]
//
// Watches every output for the given time: the LL-HLS multivariant playlist and every media
// playlist it names (blocking reloads, delta updates, preload hints), the MPEG-TS playlists, and
// the MPD (its open segment fetched as low-latency DASH does). Prints one JSON object:
// {checked: {rule: times}, violations: [{rule, detail}], notes: [...], stats: {...}}.
import { Parser } from 'm3u8-parser';
import { parse as parseMpd } from 'mpd-parser';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = process.argv[2];
const seconds = Number(process.argv[3] ?? 20);
const until = Date.now() + seconds * 1000;
const checked = {};
const violations = [];
const notes = [];
const stats = { playlists: 0, blockingReloads: 0, deltaUpdates: 0, mpds: 0, probed: 0, inProgressFetched: 0 };
const work = await mkdtemp(join(tmpdir(), 'conformance-'));
const pending = [];
/** Runs `promise` alongside; the report waits for it, and a failed request is a violation. */
function later(promise) {
  pending.push(promise.catch((e) => check('every request completes', false, String(e))));
}

function check(rule, ok, detail) {
  checked[rule] = (checked[rule] ?? 0) + 1;
  if (!ok && violations.filter((v) => v.rule === rule).length < 5) violations.push({ rule, detail });
  return ok;
}

const live = () => Date.now() < until;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function get(url) {
  const started = Date.now();
  const response = await fetch(url);
  const body = Buffer.from(await response.arrayBuffer());
  return { url, status: response.status, headers: response.headers, body, ms: Date.now() - started };
}

/** max-age (or s-maxage, which shared caches use) in seconds, or null. */
function freshness(cacheControl, shared) {
  const m = (shared && /s-maxage=(\d+)/.exec(cacheControl)) || /max-age=(\d+)/.exec(cacheControl);
  return m ? Number(m[1]) : null;
}

/**
 * CORS and Cache-Control per kind of object. Media (init, segments, parts, TS, and objects still
 * being written, whose bytes once complete are final) must be cacheable by shared caches; a live
 * manifest must not stay fresh in a shared cache longer than `maxFresh` seconds.
 */
function headers(kind, response, maxFresh) {
  const cc = response.headers.get('cache-control') ?? '';
  check(`CORS on ${kind}`, response.headers.get('access-control-allow-origin') !== null, response.url);
  if (kind.startsWith('media')) {
    check(`Cache-Control lets shared caches store ${kind}`,
      !/no-cache|no-store|private/.test(cc) && (freshness(cc, true) ?? 0) >= 60, `${response.url}: ${cc}`);
  } else {
    const fresh = freshness(cc, true);
    check(`Cache-Control of ${kind} expires within ${maxFresh} s`,
      !/private/.test(cc) && (/no-cache|no-store/.test(cc) || (fresh !== null && fresh <= maxFresh)), `${response.url}: ${cc}`);
  }
}

function parseM3u8(text) {
  const parser = new Parser();
  parser.push(text);
  parser.end();
  return parser.manifest;
}

// ---- media timestamps, read by ffprobe (one at a time: the machine is small) ----
let probing = Promise.resolve();
const probedDuration = new Map();
function probe(url, initUrl, video) {
  if (!probedDuration.has(url)) {
    probedDuration.set(url, probing = probing.then(async () => {
      const parts = [];
      if (initUrl) parts.push((await get(initUrl)).body);
      const media = await get(url);
      if (media.status !== 200) return null;
      parts.push(media.body);
      const file = join(work, `p${stats.probed++}`);
      await writeFile(file, Buffer.concat(parts));
      const out = await new Promise((resolve) => execFile('ffprobe', ['-v', 'error', '-select_streams', video ? 'v:0' : 'a:0',
        '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], (e, stdout) => resolve(e ? '' : stdout)));
      await rm(file);
      let first = Infinity; let end = -Infinity; let packets = 0;
      for (const line of out.trim().split('\n')) {
        const [pts, duration] = line.split(',').map(parseFloat);
        if (Number.isFinite(pts)) { packets++; first = Math.min(first, pts); end = Math.max(end, pts + (duration || 0)); }
      }
      // ffprobe gives a lone packet no duration (a one-frame audio segment at a break): its
      // duration is then read from the fragment's own sample table.
      if (packets === 1 && !(end > first) && initUrl) end = first + (loneSampleSeconds(parts[0], parts[1]) ?? 0);
      if (!(end > first)) return null;
      return { duration: end - first, first, end };
    }));
  }
  return probedDuration.get(url);
}

// ---- ISO/IEC 14496-12 boxes, only as far as a lone sample's duration needs ----
function* boxes(buffer, start = 0, end = buffer.length) {
  for (let at = start; at + 8 <= end;) {
    const size = buffer.readUInt32BE(at);
    if (size < 8 || at + size > end) return;
    yield { type: buffer.toString('latin1', at + 4, at + 8), body: at + 8, end: at + size };
    at += size;
  }
}
function child(buffer, parent, type) {
  for (const box of boxes(buffer, parent.body, parent.end)) if (box.type === type) return box;
  return null;
}

/** The duration in seconds of the one sample of an fMP4 fragment: mdhd timescale; trun, tfhd or trex duration. */
function loneSampleSeconds(init, segment) {
  const moov = [...boxes(init)].find((b) => b.type === 'moov');
  const trak = moov && child(init, moov, 'trak');
  const mdhd = trak && child(init, child(init, trak, 'mdia') ?? trak, 'mdhd');
  if (!mdhd) return null;
  const timescale = init.readUInt32BE(mdhd.body + (init[mdhd.body] === 1 ? 20 : 12));
  const trex = moov && child(init, child(init, moov, 'mvex') ?? moov, 'trex');
  let duration = trex ? init.readUInt32BE(trex.body + 12) : 0;
  const moof = [...boxes(segment)].find((b) => b.type === 'moof');
  const traf = moof && child(segment, moof, 'traf');
  if (!traf) return null;
  const tfhd = child(segment, traf, 'tfhd');
  if (tfhd) {
    const flags = segment.readUInt32BE(tfhd.body) & 0xffffff;
    let at = tfhd.body + 8;
    if (flags & 0x1) at += 8;
    if (flags & 0x2) at += 4;
    if (flags & 0x8) duration = segment.readUInt32BE(at);
  }
  const trun = child(segment, traf, 'trun');
  if (trun) {
    const flags = segment.readUInt32BE(trun.body) & 0xffffff;
    let at = trun.body + 8;
    if (flags & 0x1) at += 4;
    if (flags & 0x4) at += 4;
    if (flags & 0x100) duration = segment.readUInt32BE(at);
  }
  return duration > 0 && timescale > 0 ? duration / timescale : null;
}

async function durationMatches(rule, url, initUrl, video, listed) {
  const probed = await probe(url, initUrl, video);
  const actual = probed?.duration ?? null;
  check(rule, actual !== null && Math.abs(actual - listed) <= 0.1 * listed,
    `${url}: listed ${listed} s, media ${actual} s (${probed?.first} to ${probed?.end})`);
}

// ---- HLS media playlists ----
function watchMediaPlaylist(url, { lowLatency, video, kindName }) {
  const bySequence = new Map();
  const hintsNotAnswered = [];
  const listedParts = new Set();
  let last = null;
  let lastDelta = null;
  let farAheadChecked = false;

  function record(playlist, response, delta) {
    stats.playlists++;
    const skipped = playlist.skip?.skippedSegments ?? 0;
    // Each resource's successive versions (RFC 8216bis 6.2.2): the playlist as reloaded, and the
    // delta update (another URI, which a cache may hold up to its max-age) each on their own.
    const previous = delta ? lastDelta : last;
    if (previous) {
      check('EXT-X-MEDIA-SEQUENCE never decreases', playlist.mediaSequence >= previous.mediaSequence,
        `${url}: ${previous.mediaSequence} -> ${playlist.mediaSequence}${delta ? ' (delta update)' : ''}, ${previous.segments.length} -> ${playlist.segments.length} segments listed`);
      check('EXT-X-DISCONTINUITY-SEQUENCE never decreases',
        (playlist.discontinuitySequence ?? 0) >= (previous.discontinuitySequence ?? 0), url);
    }
    if (last) check('EXT-X-TARGETDURATION never changes', playlist.targetDuration === last.targetDuration, url);
    const target = playlist.targetDuration;
    playlist.segments.forEach((segment, i) => {
      const msn = playlist.mediaSequence + skipped + i;
      check('EXTINF rounded is at most EXT-X-TARGETDURATION', Math.round(segment.duration) <= target, `${url} ${segment.uri} ${segment.duration}`);
      const entry = `${segment.uri} ${segment.duration} ${segment.timeline} ${segment.dateTimeString ?? ''}`;
      const before = bySequence.get(msn);
      check('a media sequence number keeps its segment, duration, discontinuity and date across reloads',
        before === undefined || before === entry, `${url} #${msn}: was "${before}", now "${entry}"`);
      if (before === undefined) {
        bySequence.set(msn, entry);
        const segmentUrl = new URL(segment.uri, url).href;
        const initUrl = segment.map ? new URL(segment.map.uri, url).href : null;
        later(get(segmentUrl).then((r) => { check(`${kindName} segment answers 200`, r.status === 200, segmentUrl); headers('media segment', r); }));
        if (initUrl) later(get(initUrl).then((r) => headers('media init segment', r)));
        later(durationMatches(`${kindName} EXTINF within 10 % of the media's timestamps`, segmentUrl, initUrl, video, segment.duration));
      }
      for (const part of segment.parts ?? []) listedParts.add(new URL(part.uri, url).href);
    });
    for (const part of playlist.preloadSegment?.parts ?? []) listedParts.add(new URL(part.uri, url).href);
    if (lowLatency && !delta) {
      const control = playlist.serverControl ?? {};
      const partTarget = playlist.partTargetDuration;
      check('LL-HLS: CAN-BLOCK-RELOAD=YES', control.canBlockReload === true, url);
      check('PART-HOLD-BACK is at least twice PART-TARGET', control.partHoldBack >= 2 * partTarget, `${url} ${control.partHoldBack} ${partTarget}`);
      if (control.holdBack !== undefined) check('HOLD-BACK is at least three target durations', control.holdBack >= 3 * target, url);
      if (control.canSkipUntil !== undefined) check('CAN-SKIP-UNTIL is at least six target durations', control.canSkipUntil >= 6 * target, url);
      const segments = [...playlist.segments, playlist.preloadSegment].filter(Boolean);
      for (const segment of segments) {
        const parts = segment.parts ?? [];
        parts.forEach((part, i) => {
          check('EXT-X-PART DURATION is at most PART-TARGET', part.duration <= partTarget + 1e-3, `${url} ${part.uri} ${part.duration} > ${partTarget}`);
          if (i < parts.length - 1 && segment !== playlist.preloadSegment) {
            check('every part but a segment\'s last is at least 85 % of PART-TARGET', part.duration >= 0.85 * partTarget,
              `${url} ${part.uri} ${part.duration}`);
          }
        });
      }
    }
    headers(delta ? 'delta playlist' : 'live playlist', response, target);
    if (delta) lastDelta = playlist; else last = playlist;
  }

  async function deltaUpdate() {
    const response = await get(`${url}?_HLS_skip=YES`);
    const delta = parseM3u8(response.body.toString());
    stats.deltaUpdates++;
    check('_HLS_skip=YES with CAN-SKIP-UNTIL returns EXT-X-SKIP with SKIPPED-SEGMENTS', (delta.skip?.skippedSegments ?? 0) > 0,
      response.body.toString().slice(0, 400));
    record(delta, response, true);
  }

  async function hintedPart(hintUrl) {
    const response = await get(hintUrl);
    stats.inProgressFetched++;
    if (response.status === 200) {
      headers('media part named by a preload hint', response);
      check('a hinted part is an fMP4 fragment', response.body.subarray(4, 8).toString() === 'moof'
        || response.body.subarray(4, 8).toString() === 'styp', hintUrl);
    } else {
      hintsNotAnswered.push(hintUrl);
    }
  }

  return (async () => {
    let response = await get(url);
    while (live()) {
      check(`${kindName} playlist answers 200`, response.status === 200, `${url}: ${response.status}`);
      if (response.status !== 200) { await sleep(500); response = await get(url); continue; }
      const playlist = parseM3u8(response.body.toString());
      record(playlist, response, false);
      if (!lowLatency) { await sleep(1000); response = await get(url); continue; }
      const hint = playlist.preloadSegment?.preloadHints?.find((h) => h.type === 'PART');
      if (!check('LL-HLS: a preload hint names the next part', hint !== undefined, url)) { await sleep(300); response = await get(url); continue; }
      const match = /part(\d+)\.(\d+)\.m4s/.exec(hint.uri);
      const msn = Number(match[1]);
      const part = Number(match[2]);
      if (!farAheadChecked) {
        farAheadChecked = true;
        const far = await get(`${url}?_HLS_msn=${msn + 10}`);
        check('_HLS_msn far ahead of the playlist answers 400', far.status === 400, `${url}: ${far.status}`);
      }
      if (playlist.serverControl?.canSkipUntil !== undefined && stats.playlists % 5 === 0) await deltaUpdate();
      later(hintedPart(new URL(hint.uri, url).href));
      const blocking = await get(`${url}?_HLS_msn=${msn}&_HLS_part=${part}`);
      stats.blockingReloads++;
      if (blocking.status === 200) {
        const reached = parseM3u8(blocking.body.toString());
        const lastSegment = reached.mediaSequence + (reached.skip?.skippedSegments ?? 0) + reached.segments.length - 1;
        const openParts = reached.preloadSegment?.parts?.length ?? 0;
        const holds = lastSegment >= msn || (lastSegment === msn - 1 && openParts > part);
        // A blocking request that waited three target durations returns what there is (a publisher away).
        check('a blocking reload answers with the part it asked for, or after waiting', holds || blocking.ms >= 2500 * reached.targetDuration,
          `${url}?_HLS_msn=${msn}&_HLS_part=${part} after ${blocking.ms} ms`);
        headers('blocking playlist reload', blocking, reached.targetDuration);
      }
      response = blocking;
    }
    for (const hint of hintsNotAnswered) {
      check('a preload hint that was not answered never becomes a listed part', !listedParts.has(hint), hint);
    }
    if (hintsNotAnswered.length) notes.push(`${url}: ${hintsNotAnswered.length} hinted parts never came (publisher away)`);
  })();
}

async function watchMultivariant(url, options) {
  let response;
  while (live()) {
    response = await get(url);
    if (response.status === 200) break;
    await sleep(500);
  }
  check(`${options.kindName} multivariant playlist answers 200`, response?.status === 200, url);
  headers('multivariant playlist', response, 2);
  const multivariant = parseM3u8(response.body.toString());
  const media = new Set(multivariant.playlists.map((p) => new URL(p.uri, url).href));
  for (const group of Object.values(multivariant.mediaGroups?.AUDIO ?? {})) {
    for (const rendition of Object.values(group)) if (rendition.uri) media.add(new URL(rendition.uri, url).href);
  }
  check(`${options.kindName} lists media playlists`, media.size > 0, url);
  await Promise.all([...media].map((m) => watchMediaPlaylist(m, { ...options, video: !m.includes('/audio/') })));
  return [...media];
}

// ---- DASH ----
async function watchMpd(url) {
  const entries = new Map(); // "representation#number" -> {pt, d, period}
  const endedEarly = new Map(); // key -> period: the last entry of a Period that ended with its publisher
  const inProgress = new Map(); // segment URL -> bytes streamed while it was being written
  const compared = new Set();
  while (live()) {
    const response = await get(url);
    check('MPD answers 200', response.status === 200, `${url}: ${response.status}`);
    if (response.status !== 200) { await sleep(500); continue; }
    stats.mpds++;
    const text = response.body.toString();
    const manifest = parseMpd(text, { manifestUri: url });
    const update = Number(/minimumUpdatePeriod="PT([0-9.]+)S"/.exec(text)?.[1] ?? 2);
    headers('MPD', response, Math.max(1, Math.ceil(update)));
    const maxSegmentDuration = Number(/maxSegmentDuration="PT([0-9.]+)S"/.exec(text)?.[1] ?? 0);
    const representations = [...manifest.playlists];
    for (const group of Object.values(manifest.mediaGroups?.AUDIO ?? {})) {
      for (const rendition of Object.values(group)) representations.push(...rendition.playlists);
    }
    for (const representation of representations) {
      const id = representation.attributes.NAME;
      const video = !!representation.attributes.RESOLUTION;
      const segments = representation.segments;
      segments.forEach((segment, i) => {
        const key = `${id}#${segment.number}`;
        check('maxSegmentDuration is at least every S@d', segment.duration <= maxSegmentDuration + 1e-3,
          `${key}: ${segment.duration} > ${maxSegmentDuration}`);
        const next = segments[i + 1];
        if (next && next.timeline === segment.timeline) {
          check('S entries of a Period are contiguous', Math.abs(segment.presentationTime + segment.duration - next.presentationTime) < 1e-3,
            `${key} ends at ${segment.presentationTime + segment.duration}, next starts ${next.presentationTime}`);
        }
        for (const [ended, period] of endedEarly) {
          if (ended.startsWith(`${id}#`) && period === segment.timeline) {
            check('no entry follows one that ended early in its Period', segment.number <= Number(ended.split('#')[1]), `${key} after ${ended}`);
          }
        }
        const before = entries.get(key);
        if (before === undefined) {
          entries.set(key, { pt: segment.presentationTime, d: segment.duration, period: segment.timeline });
          return;
        }
        const same = Math.abs(before.pt - segment.presentationTime) < 1e-3 && Math.abs(before.d - segment.duration) < 1e-6;
        // DASH-IF IOP allows one change: the last segment of a Period ends early when the Period
        // does (the publisher left while it was being written); nothing may follow it there.
        const lastOfPeriod = next === undefined || next.timeline !== segment.timeline;
        const earlyEnd = !same && lastOfPeriod && Math.abs(before.pt - segment.presentationTime) < 1e-3
          && segment.duration < before.d;
        if (earlyEnd) { endedEarly.set(key, segment.timeline); notes.push(`${key} ended early: ${before.d} -> ${segment.duration} s`); before.d = segment.duration; }
        check('a published S entry keeps its time and duration ($Number$ -> time never moves)', same || earlyEnd,
          `${key}: was t=${before.pt} d=${before.d}, now t=${segment.presentationTime} d=${segment.duration}`);
      });
      // The newest entry is being written: fetch it as low-latency DASH does, chunked.
      const newest = segments.at(-1);
      if (newest && !inProgress.has(newest.resolvedUri)) {
        inProgress.set(newest.resolvedUri, null);
        const fetched = get(newest.resolvedUri).then((r) => {
          stats.inProgressFetched++;
          if (r.status === 200) { headers('media segment being written (LL-DASH)', r); inProgress.set(newest.resolvedUri, r.body); }
        });
        inProgress.set(newest.resolvedUri, fetched);
        later(fetched);
      }
      // Closed ones: their bytes equal what was streamed, and S@d matches the media.
      for (const segment of segments.slice(0, -1)) {
        if (compared.has(segment.resolvedUri)) continue;
        compared.add(segment.resolvedUri);
        if (inProgress.has(segment.resolvedUri)) {
          later(Promise.resolve(inProgress.get(segment.resolvedUri)).then(async () => {
            const streamed = inProgress.get(segment.resolvedUri);
            if (!Buffer.isBuffer(streamed)) return;
            const r = await get(segment.resolvedUri);
            check('a segment streamed while being written has the finished segment\'s bytes',
              r.status === 200 && Buffer.compare(r.body, streamed) === 0, segment.resolvedUri);
          }));
        }
        later(durationMatches('DASH S@d within 10 % of the media\'s timestamps', segment.resolvedUri, segment.map?.resolvedUri, video, segment.duration));
      }
    }
    await sleep(1000);
  }
}

try {
  await Promise.all([
    watchMultivariant(`${base}index.m3u8`, { lowLatency: true, kindName: 'LL-HLS' }),
    watchMultivariant(`${base}ts.m3u8`, { lowLatency: false, kindName: 'TS HLS' }),
    watchMpd(`${base}manifest.mpd`),
  ]);
  while (pending.length) await Promise.all(pending.splice(0));
} catch (e) {
  violations.push({ rule: 'the checker ran to the end', detail: String(e?.stack ?? e) });
} finally {
  await rm(work, { recursive: true, force: true });
}
console.log(JSON.stringify({ checked, violations, notes, stats }, null, 1));
