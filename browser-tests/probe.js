// The playback probe: measures, inside the page, how well a <video> plays, so that every browser
// test can hold playback to the same bounds. drive.mjs adds it to every page it opens; a page
// (or a test's step) starts it with one line:
//
//   glasscastProbe.watch(() => document.querySelector('video'), () => window.hls);
//
// Both arguments are functions, read again at every sample, because pages replace their video
// element's player (the watch page makes a new hls.js after a fatal error, and has none while the
// stream is offline). The player may be hls.js, Shaka Player or dash.js (recognised by shape) or
// null; options.latency overrides how the live latency is read.
//
// glasscastProbe.report() returns what was seen since playback started (or since the previous
// report) and starts a new window; see BrowserDriver's PlaybackReport for each field. The probe
// samples every 50 ms on its own timer, so how often the test's driver looks does not matter.
(() => {
  if (window.glasscastProbe) return;

  // A stall is the media clock standing still this long while the video is meant to be playing.
  const STALL_MS = 300;
  // The picture standing still this long while the clock runs is noted in the trace with the
  // buffered ranges, so a frozen picture in a failed run says which track had the hole.
  const STILL_NOTE_MS = 700;
  const SAMPLE_MS = 50;
  const LATENCY_EVERY_MS = 500;

  const attached = new WeakSet();
  let videoOf = () => null;
  let playerOf = () => null;
  let latencyOverride = null;
  let timer = null;
  let video = null;
  // Everything counted in the current window; replaced by report().
  let w = null;
  // Events that happen between samples.
  let seekEvents = 0;
  let waitingEvents = 0;
  const errors = [];
  // Errors before this index went into an earlier report.
  let errorsReported = 0;
  // The video's clock at the previous sample before playback started.
  let clockBeforeStart = null;

  const now = () => performance.now();
  const epoch = () => Date.now();

  function counters(v) {
    const quality = v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality() : null;
    return {
      frames: quality ? quality.totalVideoFrames : (v.webkitDecodedFrameCount || 0),
      dropped: quality ? quality.droppedVideoFrames : (v.webkitDroppedFrameCount || 0),
      audioBytes: v.webkitAudioDecodedByteCount || 0,
      videoBytes: v.webkitVideoDecodedByteCount || 0,
    };
  }

  function newWindow(v, at) {
    const c = counters(v);
    return {
      startEpoch: epoch(), start: at, startMedia: v.currentTime, base: c, last: c,
      lastSample: at, lastMedia: v.currentTime,
      eligibleMs: 0, playedSeconds: 0, pausedMs: 0, seekingMs: 0,
      seeks: [], stalls: [], waiting: 0,
      frozenSince: null,
      // A seek that does not complete (the position in a hole of one track) is noted once, with
      // the buffered ranges, as a frozen clock is.
      seekingSince: null, seekNoted: false,
      // The longest stretch of playing (media clock advancing) without a new decoded video frame,
      // or without audio being decoded: a frozen picture, or lost sound, while the clock runs on.
      lastFrameAt: at, lastAudioAt: at, videoGapMs: 0, audioGapMs: 0,
      latency: [], lastLatencyAt: -Infinity,
      // What the player did around a failure: rung switches, and what was buffered at each stall.
      trace: [],
    };
  }

  const TRACE_LIMIT = 40;

  function note(what) {
    if (w && w.trace.length < TRACE_LIMIT) w.trace.push({ at: +((now() - w.start) / 1000).toFixed(2), what });
  }

  function ranges(buffered) {
    const out = [];
    for (let i = 0; buffered && i < buffered.length; i++) out.push(buffered.start(i).toFixed(2) + '-' + buffered.end(i).toFixed(2));
    return out.join(' ');
  }

  // Each of hls.js's source buffers (hls.js keeps them under bufferController); else the element's.
  function bufferedNow(v, player) {
    try {
      // hls.js: each SourceBuffer on its own (1.7 keeps them in bufferController.tracks[type].buffer,
      // older releases in bufferController.sourceBuffer[type]), so a hole says which track has it.
      const controller = player && player.bufferController;
      const tracks = controller && controller.tracks;
      const buffers = {};
      for (const k of Object.keys(tracks || {})) if (tracks[k] && tracks[k].buffer) buffers[k] = tracks[k].buffer;
      const older = controller && controller.sourceBuffer;
      for (const k of Object.keys(older || {})) if (older[k] && !buffers[k]) buffers[k] = older[k];
      const kinds = Object.keys(buffers).filter(k => buffers[k].buffered);
      if (kinds.length) return kinds.map(k => k + ' ' + ranges(buffers[k].buffered)).join('; ');
    } catch (e) { /* the element's ranges below */ }
    return ranges(v.buffered);
  }

  function recordError(name, fatal, detail) {
    errors.push({ at: epoch(), name: String(name), fatal: !!fatal, detail: detail ? String(detail).slice(0, 300) : '' });
  }

  function attachPlayer(player) {
    if (!player || attached.has(player)) return;
    attached.add(player);
    if (typeof player.getCurrentLiveLatency === 'function' && typeof player.on === 'function') {
      // dash.js: every ERROR event stops playback in dash.js 5 (it has no non-fatal flag);
      // PLAYBACK_ERROR is the media element's.
      player.on('error', e => {
        const err = e && e.error || {};
        recordError('dashjs:' + (err.code ?? 'error'), true, err.message || JSON.stringify(e).slice(0, 300));
      });
    } else if (typeof player.getPlayheadTimeAsDate === 'function' && typeof player.addEventListener === 'function') {
      // Shaka Player: severity 2 is CRITICAL (playback stops), 1 RECOVERABLE.
      player.addEventListener('error', e => {
        const d = e.detail || {};
        recordError('shaka:' + d.code, d.severity === 2, d.data && JSON.stringify(d.data).slice(0, 300));
      });
    } else if (typeof player.loadSource === 'function' && typeof player.on === 'function') {
      // hls.js: details names the error (bufferStalledError, fragLoadError, ...).
      const event = (player.constructor && player.constructor.Events && player.constructor.Events.ERROR) || 'hlsError';
      player.on(event, (e, d) => recordError(d.details, d.fatal, d.type + (d.reason ? ': ' + d.reason : '')
        + (d.response ? ' ' + d.response.code : '') + (d.frag ? ' ' + d.frag.url : '')));
      const switched = player.constructor && player.constructor.Events && player.constructor.Events.LEVEL_SWITCHED;
      if (switched) {
        player.on(switched, (e, d) => {
          const level = player.levels && player.levels[d.level];
          note('level ' + (level ? level.height + 'p' : d.level));
        });
      }
    }
  }

  function latencyOf(player) {
    try {
      let l = null;
      if (latencyOverride) l = latencyOverride();
      else if (!player) l = null;
      else if (typeof player.getCurrentLiveLatency === 'function') l = player.getCurrentLiveLatency();
      else if (typeof player.getPlayheadTimeAsDate === 'function') {
        l = player.isLive() && player.getPlayheadTimeAsDate() ? (Date.now() - player.getPlayheadTimeAsDate().getTime()) / 1000 : null;
      } else if ('latency' in player) l = player.latency;
      return typeof l === 'number' && Number.isFinite(l) && l > 0 ? l : null;
    } catch (e) {
      return null;
    }
  }

  function attachVideo(v) {
    if (attached.has(v)) return;
    attached.add(v);
    v.addEventListener('seeking', () => seekEvents++);
    v.addEventListener('waiting', () => waitingEvents++);
    v.addEventListener('error', () => recordError('media:' + (v.error ? v.error.code : '?'), true, v.error && v.error.message));
  }

  function endStall(at) {
    if (w.frozenSince === null) return;
    const frozen = at - w.frozenSince;
    if (frozen >= STALL_MS) {
      w.stalls.push({ at: +((w.frozenSince - w.start) / 1000).toFixed(3), media: +w.lastMedia.toFixed(3), seconds: +(frozen / 1000).toFixed(3) });
    }
    w.frozenSince = null;
  }

  function sample() {
    const v = videoOf();
    if (!v) return;
    attachVideo(v);
    const player = playerOf();
    attachPlayer(player);
    const at = now();
    if (v !== video) {
      // A new element (or the first): a new window begins once it plays.
      video = v;
      w = null;
      clockBeforeStart = null;
    }
    if (!w) {
      // Not started: the window opens at the first sample with the clock moving on by itself
      // (not a player's jump to its start position, which is a seek).
      const moved = clockBeforeStart !== null && !v.paused && !v.seeking && seekEvents === 0
        && v.currentTime > clockBeforeStart && v.currentTime - clockBeforeStart < 1;
      clockBeforeStart = v.currentTime;
      seekEvents = 0;
      if (moved) {
        w = newWindow(v, at);
        waitingEvents = 0;
      }
      return;
    }
    const dt = at - w.lastSample;
    const media = v.currentTime;
    const c = counters(v);
    const seeked = seekEvents > 0 || v.seeking;
    if (seeked) {
      // The viewer (or the player jumping to live or over a gap) moved the clock: neither played
      // nor stalled. The seek is listed.
      w.seekingMs += dt;
      if (seekEvents > 0) w.seeks.push({ at: +((at - w.start) / 1000).toFixed(3), from: +w.lastMedia.toFixed(3), to: +media.toFixed(3) });
      if (!v.seeking) {
        w.seekingSince = null;
      } else if (w.seekingSince === null) {
        w.seekingSince = at;
      } else if (!w.seekNoted && at - w.seekingSince >= STILL_NOTE_MS) {
        w.seekNoted = true;
        note('seeking to ' + media.toFixed(2) + ' for ' + ((at - w.seekingSince) / 1000).toFixed(2) + ' s; buffered '
            + bufferedNow(v, player));
      }
      seekEvents = 0;
      endStall(at);
      w.lastFrameAt = at;
      w.lastAudioAt = at;
    } else if (v.paused || v.ended) {
      w.pausedMs += dt;
      endStall(at);
      w.lastFrameAt = at;
      w.lastAudioAt = at;
    } else {
      w.eligibleMs += dt;
      if (media > w.lastMedia) {
        w.playedSeconds += media - w.lastMedia;
        endStall(at);
        if (c.frames > w.last.frames) {
          w.lastFrameAt = at;
          w.stillNoted = false;
        } else {
          w.videoGapMs = Math.max(w.videoGapMs, at - w.lastFrameAt);
          if (!w.stillNoted && at - w.lastFrameAt >= STILL_NOTE_MS) {
            w.stillNoted = true;
            note('picture still since ' + ((w.lastFrameAt - w.start) / 1000).toFixed(2) + ' s while the clock runs, at '
                + media.toFixed(2) + '; buffered ' + bufferedNow(v, player));
          }
        }
        if (c.audioBytes > w.last.audioBytes) w.lastAudioAt = at;
        else w.audioGapMs = Math.max(w.audioGapMs, at - w.lastAudioAt);
      } else {
        if (w.frozenSince === null) {
          w.frozenSince = w.lastSample;
          w.stallNoted = false;
        } else if (!w.stallNoted && at - w.frozenSince >= STALL_MS) {
          w.stallNoted = true;
          note('clock stands at ' + media.toFixed(2) + '; buffered ' + bufferedNow(v, player));
        }
        // Nothing plays while the clock stands: not a gap in the picture or the sound.
        w.lastFrameAt = at;
        w.lastAudioAt = at;
      }
    }
    w.waiting += waitingEvents;
    waitingEvents = 0;
    if (at - w.lastLatencyAt >= LATENCY_EVERY_MS) {
      w.lastLatencyAt = at;
      w.latency.push(latencyOf(player));
    }
    w.last = c;
    w.lastSample = at;
    w.lastMedia = media;
  }

  function summary(v, window, closing) {
    if (!window) {
      return {
        started: false, startEpoch: null, endEpoch: epoch(),
        errors: errors.slice(errorsReported), video: v ? { currentTime: v.currentTime, paused: v.paused, readyState: v.readyState,
          networkState: v.networkState, muted: v.muted } : null,
      };
    }
    if (closing && window.frozenSince !== null && now() - window.frozenSince >= STALL_MS) {
      // Still frozen when the window closes: that is a stall too.
      const frozen = now() - window.frozenSince;
      window.stalls.push({ at: +((window.frozenSince - window.start) / 1000).toFixed(3), media: +window.lastMedia.toFixed(3),
        seconds: +(frozen / 1000).toFixed(3), ongoing: true });
    }
    return {
      started: true,
      startEpoch: window.startEpoch,
      endEpoch: epoch(),
      wallSeconds: +((window.lastSample - window.start) / 1000).toFixed(3),
      playingSeconds: +(window.eligibleMs / 1000).toFixed(3),
      playedSeconds: +window.playedSeconds.toFixed(3),
      pausedSeconds: +(window.pausedMs / 1000).toFixed(3),
      seekingSeconds: +(window.seekingMs / 1000).toFixed(3),
      mediaStart: +window.startMedia.toFixed(3),
      mediaEnd: +window.lastMedia.toFixed(3),
      seeks: window.seeks,
      stalls: window.stalls,
      waitingEvents: window.waiting,
      errors: errors.slice(errorsReported),
      videoFrames: window.last.frames - window.base.frames,
      droppedFrames: window.last.dropped - window.base.dropped,
      longestVideoGapSeconds: +(window.videoGapMs / 1000).toFixed(3),
      audioBytes: window.last.audioBytes - window.base.audioBytes,
      longestAudioGapSeconds: +(window.audioGapMs / 1000).toFixed(3),
      latency: window.latency,
      trace: window.trace,
      video: { muted: v.muted, width: v.videoWidth, height: v.videoHeight, paused: v.paused },
    };
  }

  window.glasscastProbe = {
    /** Starts (or retargets) the probe; see the file comment. */
    watch(video, player, options = {}) {
      videoOf = typeof video === 'function' ? video : () => video;
      playerOf = typeof player === 'function' ? player : () => player;
      latencyOverride = options.latency || null;
      if (!timer) timer = setInterval(() => { try { sample(); } catch (e) { recordError('probe', false, e && e.stack || e); } }, SAMPLE_MS);
      sample();
      return true;
    },
    /** True once the watched video's clock has started moving. */
    playing() {
      return w !== null;
    },
    /** How many stalls have ended in the current window: for a test waiting for a break to pass. */
    stallsEnded() {
      return w ? w.stalls.length : 0;
    },
    /** What was seen since playback started or the previous report; starts a new window. */
    report() {
      sample();
      const v = videoOf();
      const seen = summary(v, w, true);
      errorsReported = errors.length;
      if (w && v) w = newWindow(v, now());
      return seen;
    },
  };
})();
