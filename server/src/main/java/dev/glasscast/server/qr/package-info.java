/** QR codes of watch URLs (ZXing): in the start-up banner as terminal text, on the dashboard as PNG. */
package dev.glasscast.server.qr;
