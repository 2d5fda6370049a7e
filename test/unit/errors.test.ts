import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidRequestError, InvalidTransitionError } from '#shared/errors.ts';

describe('error vocabulary', () => {
  it('carries the field and the reason of every refused input', () => {
    const error = new InvalidRequestError([
      { field: 'amount', reason: 'must be a positive amount' },
      { field: 'currency', reason: 'must be USD' },
    ]);
    expect(error).toMatchObject({
      name: 'InvalidRequestError',
      code: 'invalid_request',
      statusCode: 400,
      message: 'amount: must be a positive amount; currency: must be USD',
    });
    expect(error.issues).toHaveLength(2);
  });

  it('keeps a generic message when no issue is listed', () => {
    expect(new InvalidRequestError([]).message).toBe('invalid request');
  });

  it('gives every class a literal code and an HTTP status', () => {
    expect(new ConfigurationError('x')).toMatchObject({
      name: 'ConfigurationError',
      code: 'configuration_error',
      statusCode: 500,
    });
    expect(new InvalidTransitionError('x')).toMatchObject({
      name: 'InvalidTransitionError',
      code: 'invalid_transition',
      statusCode: 409,
    });
  });
});
