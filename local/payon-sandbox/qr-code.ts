/**
 * The KHQR string as a code to scan: an SVG the checkout page embeds, drawn by the `qrcode`
 * library (error correction M, the four-module quiet zone the QR standard asks for). Only the
 * sandbox and the local pages use it; no Lambda bundle carries it.
 */
import QRCode from 'qrcode';

/**
 * An inline `<svg>` of `text` as a QR code, labelled for screen readers.
 *
 * @example qrSvg(tx.qrString, { id: 'khqr-code', label: 'KHQR code to scan' })
 */
export function qrSvg(text: string, { id, label }: { id: string; label: string }): string {
  let svg: string | undefined;
  let failure: unknown;
  // With a callback the SVG renderer answers synchronously (qrcode 1.5's lib/server.js `render`).
  QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }, (error, out) => {
    failure = error;
    svg = out;
  });
  if (failure !== null && failure !== undefined) throw failure;
  if (svg === undefined) throw new Error('the QR code was not rendered synchronously');
  // Attribute values are fixed by the caller, never request data; they are escaped all the same.
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return svg
    .trim()
    .replace('<svg ', `<svg id="${attr(id)}" role="img" aria-label="${attr(label)}" `);
}
