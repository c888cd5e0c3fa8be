// Whether a text has characters no installed font can draw. Chromium draws such a character as the font's ".notdef" box,
// the same box for every one of them, so a character whose drawing matches the drawing of a code point no font has is
// one the person would see only as a box. The screen then says so in words (docs/screens.md §13).

/** A private-use code point of plane 16: no font the device installs draws it, so it is always drawn as the box. */
const surelyUndrawable = '\u{10FFFD}';
const probeSize = 32;

/**
 * Characters worth checking: letters, digits, punctuation and symbols outside printable ASCII (every font draws ASCII).
 * Marks, spaces and format characters (joiners, bidi isolates) are drawn with their neighbours or not at all.
 */
const checkable = /[\p{L}\p{N}\p{P}\p{S}]/u;
const printableAscii = /[\u0020-\u007e]/;
/** Enough to judge a letter, without measuring an entire book on a slow kiosk. */
const mostCharactersChecked = 400;

const drawableByFont = new Map<string, Map<string, boolean>>();

interface Probe {
  context: CanvasRenderingContext2D;
  boxPixels: Uint8ClampedArray;
  boxWidth: number;
}

let probeByFont: { font: string; probe: Probe | null } | null = null;

function draw(context: CanvasRenderingContext2D, character: string): Uint8ClampedArray {
  context.clearRect(0, 0, probeSize * 2, probeSize * 2);
  context.fillText(character, probeSize / 2, probeSize * 1.5);
  return context.getImageData(0, 0, probeSize * 2, probeSize * 2).data;
}

function probeFor(fontFamily: string): Probe | null {
  if (probeByFont?.font === fontFamily) return probeByFont.probe;
  const canvas = document.createElement('canvas');
  canvas.width = probeSize * 2;
  canvas.height = probeSize * 2;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let probe: Probe | null = null;
  if (context !== null) {
    context.font = `${probeSize}px ${fontFamily}`;
    context.fillStyle = '#000000';
    probe = { context, boxPixels: draw(context, surelyUndrawable), boxWidth: context.measureText(surelyUndrawable).width };
  }
  probeByFont = { font: fontFamily, probe };
  return probe;
}

function samePixels(left: Uint8ClampedArray, right: Uint8ClampedArray): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index += 1) if (left[index] !== right[index]) return false;
  return true;
}

/**
 * True when some of `text` would show only as boxes in `fontFamily` (the page's font stack by default). Where the page
 * cannot draw to measure (no canvas), it says false: the note is for what is known, never a guess.
 */
export function hasUnshownWriting(text: string, fontFamily: string = getComputedStyle(document.documentElement).fontFamily): boolean {
  const probe = probeFor(fontFamily);
  if (probe === null) return false;
  let known = drawableByFont.get(fontFamily);
  if (known === undefined) {
    known = new Map();
    drawableByFont.set(fontFamily, known);
  }
  let checked = 0;
  for (const character of new Set(text)) {
    if (printableAscii.test(character) || !checkable.test(character)) continue;
    if (checked >= mostCharactersChecked) break;
    checked += 1;
    let drawable = known.get(character);
    if (drawable === undefined) {
      const width = probe.context.measureText(character).width;
      drawable = width !== probe.boxWidth || !samePixels(draw(probe.context, character), probe.boxPixels);
      known.set(character, drawable);
    }
    if (!drawable) return true;
  }
  return false;
}
