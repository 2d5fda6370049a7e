import { describe, expect, it } from 'vitest';
import {
  DEFAULT_AMBIGUITY,
  DEFAULT_HOSTILITY,
  flagValue,
  flatForm,
  keyedDraw,
  mergeProfile,
  ordersWindow,
  Profiles,
  wrappedForm,
} from '#local/payon-sandbox/profiles.ts';

const settings = (profile: 'default' | 'literal' | 'ambiguous' | 'hostile') => ({
  profile,
  ambiguity: DEFAULT_AMBIGUITY,
  hostility: DEFAULT_HOSTILITY,
});

describe('profiles: pure parts', () => {
  it('reads index as a page number, or as the 1-based position of the first row, with a page cap', () => {
    expect(ordersWindow(2, 50, { pageCap: null, indexAsOffset: false })).toEqual({
      start: 50,
      end: 100,
    });
    expect(ordersWindow(2, 50, { pageCap: 3, indexAsOffset: false })).toEqual({ start: 3, end: 6 });
    expect(ordersWindow(2, 2, { pageCap: null, indexAsOffset: true })).toEqual({
      start: 1,
      end: 3,
    });
    expect(ordersWindow(1, 5, { pageCap: null, indexAsOffset: true })).toEqual({
      start: 0,
      end: 5,
    });
  });

  it('turns a wrapped answer flat and a flat one wrapped, refusals with resultData null', () => {
    const wrapped = { resultCode: '0000', resultMsg: 'Success', resultData: { txId: '1' } };
    expect(flatForm(wrapped)).toEqual({ resultCode: '0000', resultMsg: 'Success', txId: '1' });
    expect(flatForm({ resultMsg: 'x', resultCode: '9999', resultData: null })).toEqual({
      resultMsg: 'x',
      resultCode: '9999',
    });
    expect(
      wrappedForm({ txId: '1', amount: 4, resultCode: '0000', resultMessage: 'Success' }),
    ).toEqual({ resultMsg: 'Success', resultCode: '0000', resultData: { txId: '1', amount: 4 } });
    expect(wrappedForm({ txId: '1', resultCode: '3003', resultMessage: 'Invalid' })).toEqual({
      resultMsg: 'Invalid',
      resultCode: '3003',
      resultData: null,
    });
    expect(wrappedForm(wrapped)).toBe(wrapped);
  });

  it('spells flags in each style', () => {
    expect(
      ['yn', 'blank', 'omit', 'lower', 'digit'].map((s) => flagValue(s as never, true)),
    ).toEqual(['Y', '', undefined, 'y', '1']);
    expect(flagValue('digit', false)).toBe('0');
  });

  it('draws the same value for the same seed and key, another for another key', () => {
    expect(keyedDraw(7, 'rows:1')).toBe(keyedDraw(7, 'rows:1'));
    expect(keyedDraw(7, 'rows:1')).not.toBe(keyedDraw(7, 'rows:2'));
    expect(keyedDraw(7, 'rows:1')).not.toBe(keyedDraw(8, 'rows:1'));
  });

  it('merges knobs over a base and names a bad field', () => {
    const merged = mergeProfile(settings('default'), {
      profile: 'ambiguous',
      ambiguity: { pageCap: 1, ordersPageCap: 5 },
    });
    expect(merged).toMatchObject({
      profile: 'ambiguous',
      ambiguity: { pageCap: 1, ordersPageCap: 5, readRefusals: 0.2 },
    });
    expect(mergeProfile(settings('default'), { profile: 'x' })).toBe(
      'profile must be one of default, literal, ambiguous, hostile',
    );
    expect(mergeProfile(settings('default'), { ambiguity: { ordersPageCap: 0 } })).toBe(
      'ambiguity.ordersPageCap must be a whole number from 1 to 1000',
    );
    expect(mergeProfile(settings('default'), { hostility: { garbagePushes: -0.1 } })).toBe(
      'hostility.garbagePushes must be a rate from 0 to 1',
    );
  });

  it('changes nothing and draws nothing in the default profile', () => {
    const profiles = new Profiles(1, settings('default'));
    const answer = { status: 200, json: { txId: '9', resultCode: '0000' } };

    expect(profiles.answer('/pg/refund', answer)).toBe(answer);
    expect(profiles.answer('/pg/order/register', answer)).toBe(answer);
    expect(profiles.readRefusal('/pg/orders')).toBeUndefined();
    expect(profiles.requestFault('/pg/refund')).toBeUndefined();
    expect(profiles.ordersReading()).toEqual({ pageCap: null, indexAsOffset: false });
    expect(profiles.flagStyle('1')).toBeUndefined();
    expect(
      profiles.tamperPush({ txId: '1', resultCode: '9999', resultMsg: 'Error' }, false, () => true),
    ).toBeUndefined();
  });

  it('alternates the literal forms per path, starting again after a reset', () => {
    const profiles = new Profiles(1, settings('literal'));
    const answer = () => ({
      status: 200,
      json: { resultCode: '0000', resultMsg: 'Success', resultData: { txId: '1' } },
    });
    const forms = () =>
      [1, 2, 3].map((): unknown => profiles.answer('/pg/order/register', answer()).json);

    const first = forms();
    profiles.reset();

    expect(first.map((b) => 'resultData' in (b as object))).toEqual([false, true, false]);
    expect(forms()).toEqual(first);
  });
});
