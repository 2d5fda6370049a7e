/**
 * What a log line may say of an error: its name, PAYON's code, and its message with anything
 * card-like masked, cut to 300 characters. Never the stack or the cause (they may carry a request).
 */
import { maskCardNumbers } from '#shared/domain/card.ts';
import { PayonRejectedError } from '#shared/errors.ts';

export function describeError(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { name: 'unknown' };
  return {
    name: error.name,
    ...(error instanceof PayonRejectedError ? { payonCode: error.payonCode } : {}),
    message: maskCardNumbers(error.message).slice(0, 300),
  };
}
