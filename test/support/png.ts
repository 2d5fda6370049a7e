/**
 * Just enough PNG decoding to read a browser screenshot back into pixels (8-bit greyscale, RGB or
 * RGBA, grey+alpha; not interlaced), so that a test can decode the QR code it shows with jsQR. Node's
 * zlib inflates; the five scanline filters are undone here. No image library is needed for it.
 */
import { inflateSync } from 'node:zlib';
import jsqr from 'jsqr';

export interface Pixels {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes a pixel, row after row. */
  readonly data: Uint8ClampedArray;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(png: Buffer): Pixels {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const chunk = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = chunk.readUInt32BE(0);
      height = chunk.readUInt32BE(4);
      const [depth, colour, , , interlace] = [chunk[8], chunk[9], chunk[10], chunk[11], chunk[12]];
      channels = CHANNELS[colour ?? -1] ?? 0;
      if (depth !== 8 || channels === 0 || interlace !== 0) {
        throw new Error(
          `PNG bit depth ${depth}, colour type ${colour}, interlace ${interlace}: not read here`,
        );
      }
    } else if (type === 'IDAT') {
      idat.push(chunk);
    } else if (type === 'IEND') {
      break;
    }
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const left = x >= channels ? (rows[y * stride + x - channels] ?? 0) : 0;
      const up = y > 0 ? (rows[(y - 1) * stride + x] ?? 0) : 0;
      const upLeft = y > 0 && x >= channels ? (rows[(y - 1) * stride + x - channels] ?? 0) : 0;
      const value = line[x] ?? 0;
      const predicted =
        filter === 0
          ? 0
          : filter === 1
            ? left
            : filter === 2
              ? up
              : filter === 3
                ? (left + up) >> 1
                : filter === 4
                  ? paeth(left, up, upLeft)
                  : Number.NaN;
      if (Number.isNaN(predicted)) throw new Error(`PNG scanline filter ${filter} is unknown`);
      rows[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) {
    const px = rows.subarray(i * channels, (i + 1) * channels);
    const grey = channels <= 2;
    data[i * 4] = px[0] ?? 0;
    data[i * 4 + 1] = grey ? (px[0] ?? 0) : (px[1] ?? 0);
    data[i * 4 + 2] = grey ? (px[0] ?? 0) : (px[2] ?? 0);
    data[i * 4 + 3] = channels === 4 ? (px[3] ?? 255) : channels === 2 ? (px[1] ?? 255) : 255;
  }
  return { width, height, data };
}

/** The text of the QR code a PNG shows, or undefined when jsQR finds none. */
export function qrTextOf(png: Buffer): string | undefined {
  const { data, width, height } = decodePng(png);
  // jsqr is CommonJS: its function is the module, and also the module's `default` (as typed).
  return jsqr.default(data, width, height)?.data;
}
