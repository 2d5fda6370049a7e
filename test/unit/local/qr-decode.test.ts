import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { buildKhqr } from '#local/payon-sandbox/khqr.ts';
import { decodePng, qrTextOf } from '#test/support/png.ts';

// The e2e suite decodes the QR codes Chromium shows (test/e2e/demo-shop.test.ts) with this PNG
// reader and jsQR; here both are held to a PNG written by another encoder (qrcode's, pngjs).
describe('reading a QR code back from a PNG', () => {
  it('decodes a KHQR written as a PNG back to the same string', async () => {
    // Prepare
    const khqr = buildKhqr({
      bakongAccountId: 'payon_sandbox@payon',
      merchantId: 'C0000143',
      acquiringBank: 'PAYON',
      merchantName: 'Local Merchant',
      merchantCity: 'Phnom Penh',
      amountText: '12.50',
      billNumber: '1795000000000017',
      terminalLabel: 'CT03000003',
      createdAtMs: 1_795_000_000_000,
      expiresAtMs: 1_795_000_900_000,
    });
    const png = await QRCode.toBuffer(khqr, { type: 'png', errorCorrectionLevel: 'M', scale: 3 });
    // Act
    const pixels = decodePng(png);
    const decoded = qrTextOf(png);
    // Assess
    expect(pixels.width).toBe(pixels.height);
    expect(pixels.data.length).toBe(pixels.width * pixels.height * 4);
    expect(decoded).toBe(khqr);
  });

  it('finds no code in a PNG that shows none', async () => {
    const blank = await QRCode.toBuffer('x', { type: 'png', color: { dark: '#ffffff' } });
    expect(qrTextOf(blank)).toBeUndefined();
  });

  it('refuses what is not a PNG', () => {
    expect(() => decodePng(Buffer.from('GIF89a'))).toThrow('not a PNG');
  });
});
