import type * as z from 'zod';
import type { FieldIssue } from '#shared/errors.ts';

/**
 * zod issues as field-level reasons. The reason never quotes the value sent (it may be a card
 * number); it says what the field must be.
 */
export function zodIssues(error: z.ZodError, prefix: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const field =
      prefix + (issue.path.map(String).join('.') || (prefix ? prefix.slice(0, -1) : 'body'));
    switch (issue.code) {
      case 'invalid_type':
        return { field, reason: `must be of type ${issue.expected}` };
      case 'unrecognized_keys':
        return {
          field: prefix + [...issue.path.map(String), issue.keys[0] ?? ''].join('.'),
          reason: 'is not a known field',
        };
      case 'invalid_value':
        return { field, reason: `must be one of ${issue.values.map(String).join(', ')}` };
      case 'too_small':
        return {
          field,
          reason:
            issue.origin === 'string'
              ? `must have at least ${issue.minimum} characters`
              : `must be at least ${issue.minimum}`,
        };
      case 'too_big':
        return {
          field,
          reason:
            issue.origin === 'string'
              ? `must have at most ${issue.maximum} characters`
              : `must be at most ${issue.maximum}`,
        };
      default:
        return { field, reason: issue.message };
    }
  });
}
