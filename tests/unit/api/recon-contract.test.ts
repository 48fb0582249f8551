import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ReconHandlers } from '../../../main/engine/api/recon-handlers';
import type { Workstation } from '../../../main/engine/api/workstation';
import {
  API_FUNCTIONS,
  apiFunctionsOver,
  RECON_CHANNELS,
  type ApiReply,
  type ChannelArgument,
  type ChannelResult,
  type ItemDetail,
  type QueuePage,
  type ReconApi,
  type ReconChannel,
} from '../../../shared/ipc/recon-api';

describe('the contract, one definition per channel', () => {
  it('gives every channel exactly one function of window.recon, and every function its own channel', () => {
    const channels = Object.keys(RECON_CHANNELS).sort();
    expect(Object.values(API_FUNCTIONS).sort()).toEqual(channels);
    for (const [name, channel] of Object.entries(API_FUNCTIONS)) expect(RECON_CHANNELS[channel].function).toBe(name);
  });

  it('builds the functions over a transport: each sends its own channel, its argument and its name', async () => {
    const sent: [ReconChannel, unknown, string][] = [];
    const functions = apiFunctionsOver(async (channel, argument, name) => {
      sent.push([channel, argument, name]);
      return { ok: true, value: channel };
    });
    expect(Object.keys(functions).sort()).toEqual(Object.keys(API_FUNCTIONS).sort());
    expect(await functions.itemDetail({ id: 7 })).toEqual({ ok: true, value: 'queue:item' });
    await functions.pairByHand({ networkRecordIds: [1], ledgerPaymentId: 2 });
    expect(sent).toEqual([
      ['queue:item', { id: 7 }, 'itemDetail'],
      ['items:pair', { networkRecordIds: [1], ledgerPaymentId: 2 }, 'pairByHand'],
    ]);
  });

  it('types the handlers, the preload and the calls from the same definition', () => {
    expectTypeOf<ChannelResult<'queue:page'>>().toEqualTypeOf<QueuePage>();
    expectTypeOf<ReconApi['itemDetail']>().toEqualTypeOf<(argument: { id: number }) => Promise<ApiReply<ItemDetail>>>();
    expectTypeOf<ReconHandlers['queue:item']>().returns.toEqualTypeOf<Promise<ItemDetail>>();
    // Called with a channel, the workstation answers with that channel's result (no cast in a test).
    expectTypeOf<Workstation['call']>().toExtend<(channel: 'queue:page', argument: ChannelArgument<'queue:page'>) => Promise<ApiReply<QueuePage>>>();
    expectTypeOf<Workstation['call']>().not.toExtend<(channel: 'queue:page', argument: ChannelArgument<'queue:page'>) => Promise<ApiReply<ItemDetail>>>();
    expectTypeOf<ChannelArgument<'queue:page'>>().toHaveProperty('category').toEqualTypeOf<'MISMATCH' | 'GLOBAL_FINANCE'>();
    // A value outside the domain's union does not compile.
    // @ts-expect-error a queue item's side is NETWORK or LEDGER
    const side: QueuePage['items'][number]['side'] = 'EITHER';
    expect(side).toBe('EITHER');
  });
});
