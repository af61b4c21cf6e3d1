// Draws the Offramp app icons for the Teams app package:
//   appPackage/color.png    192x192, full colour (white exit-ramp glyph on the brand green)
//   appPackage/outline.png   32x32, white glyph on a transparent background (nothing else)
// The glyph is the one in tabs/public/favicon.svg and tabs/src/components/OfframpMark.tsx,
// drawn on a 24x24 grid: a straight road (the stem) with a ramp curving off it to the upper
// right, ending in an arrowhead. Run: node appPackage/scripts/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';

const { PNG } = pngjs;
const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---- geometry on the 24x24 grid ------------------------------------------------------
const STROKE = 2.6;
const stem = { a: [8.5, 20], b: [8.5, 4] };
const ramp = { p0: [8.5, 17], p1: [8.5, 12], p2: [14.5, 7] };
const dir = norm(sub(ramp.p2, ramp.p1));
const nrm = [-dir[1], dir[0]]; // perpendicular to the arrow
const head = {
  tip: add(ramp.p2, mul(dir, 3.4)),
  left: add(ramp.p2, mul(nrm, 2.9)),
  right: add(ramp.p2, mul(nrm, -2.9)),
};

function sub(a, b) { return [a[0] - b[0], a[1] - b[1]]; }
function add(a, b) { return [a[0] + b[0], a[1] + b[1]]; }
function mul(a, k) { return [a[0] * k, a[1] * k]; }
function norm(a) { const l = Math.hypot(a[0], a[1]); return [a[0] / l, a[1] / l]; }

function distToSegment(p, a, b) {
  const ab = sub(b, a);
  const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / (ab[0] ** 2 + ab[1] ** 2)));
  return Math.hypot(p[0] - (a[0] + ab[0] * t), p[1] - (a[1] + ab[1] * t));
}

const rampPolyline = Array.from({ length: 65 }, (_, i) => {
  const t = i / 64;
  const u = 1 - t;
  return [
    u * u * ramp.p0[0] + 2 * u * t * ramp.p1[0] + t * t * ramp.p2[0],
    u * u * ramp.p0[1] + 2 * u * t * ramp.p1[1] + t * t * ramp.p2[1],
  ];
});

function inTriangle(p, a, b, c) {
  const s = (p1, p2, p3) => (p1[0] - p3[0]) * (p2[1] - p3[1]) - (p2[0] - p3[0]) * (p1[1] - p3[1]);
  const d1 = s(p, a, b);
  const d2 = s(p, b, c);
  const d3 = s(p, c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** Which parts of the glyph cover point p (grid units): 'ramp', 'stem' or null. */
function hit(p) {
  if (inTriangle(p, head.tip, head.left, head.right)) return 'ramp';
  for (let i = 1; i < rampPolyline.length; i++) {
    if (distToSegment(p, rampPolyline[i - 1], rampPolyline[i]) <= STROKE / 2) return 'ramp';
  }
  if (distToSegment(p, stem.a, stem.b) <= STROKE / 2) return 'stem';
  return null;
}

/** Coverage of each glyph part over one pixel, by supersampling. */
function coverage(px, py, scale, offset, samples = 6) {
  let ramp = 0;
  let stem = 0;
  for (let sy = 0; sy < samples; sy++) {
    for (let sx = 0; sx < samples; sx++) {
      const x = (px + (sx + 0.5) / samples - offset) / scale;
      const y = (py + (sy + 0.5) / samples - offset) / scale;
      const h = hit([x, y]);
      if (h === 'ramp') ramp++;
      else if (h === 'stem') stem++;
    }
  }
  const n = samples * samples;
  return { ramp: ramp / n, stem: stem / n };
}

const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));

// ---- color.png: full-bleed brand background, white glyph -----------------------------
function drawColor(size) {
  const png = new PNG({ width: size, height: size });
  const top = hex('#12906A');
  const bottom = hex('#0B6A4D');
  const scale = size / 24;
  for (let y = 0; y < size; y++) {
    const bg = mix(top, bottom, y / (size - 1));
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, scale, 0);
      // The stem (the road carrying on) is a softer white; the ramp is full white.
      const white = Math.min(1, c.ramp + c.stem * 0.6);
      const [r, g, b] = mix(bg, [255, 255, 255], white);
      const i = (y * size + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
  }
  return png;
}

// ---- outline.png: white only, alpha carries the shape --------------------------------
function drawOutline(size) {
  const png = new PNG({ width: size, height: size });
  const scale = size / 24;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, scale, 0, 8);
      const a = Math.round(Math.min(1, c.ramp + c.stem) * 255);
      const i = (y * size + x) * 4;
      png.data[i] = 255;
      png.data[i + 1] = 255;
      png.data[i + 2] = 255;
      png.data[i + 3] = a;
    }
  }
  return png;
}

fs.writeFileSync(path.join(outDir, 'color.png'), PNG.sync.write(drawColor(192)));
fs.writeFileSync(path.join(outDir, 'outline.png'), PNG.sync.write(drawOutline(32)));
console.log(`wrote ${path.join(outDir, 'color.png')} and ${path.join(outDir, 'outline.png')}`);
