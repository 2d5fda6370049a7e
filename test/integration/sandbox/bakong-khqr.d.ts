// Types for the parts of the bakong-khqr npm package (CommonJS, untyped) that the tests use.
declare module 'bakong-khqr' {
  export interface KhqrDecoded {
    merchantType: string | null;
    bakongAccountID: string | null;
    merchantID: string | null;
    acquiringBank: string | null;
    billNumber: string | null;
    terminalLabel: string | null;
    transactionAmount: string | null;
    transactionCurrency: string | null;
    merchantName: string | null;
    merchantCity: string | null;
    countryCode: string | null;
    pointofInitiationMethod: string | null;
    merchantCategoryCode: string | null;
    crc: string | null;
    [field: string]: unknown;
  }
  export const BakongKHQR: {
    verify(payload: string): { isValid: boolean };
    decode(payload: string): {
      status: { code: number; errorCode: number | null; message: string | null };
      data: KhqrDecoded;
    };
  };
}
