import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { deadLetterQueueName, retryQueueName } from '@app/contracts';
import { AmqpConnection } from './amqp-connection';
import { declareDurableQueues, durableQueueOptions, retryTier } from './durable-queues';
import { eventQueues } from './event-topology';

const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('durableQueueOptions', () => {
  it('declares a retry tier on a quorum queue with at-least-once dead-lettering and the overflow it needs', () => {
    expect(durableQueueOptions(retryTier('q.retry.1000ms', 'q', 1000), 'quorum')).toEqual({
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': 1000,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'q',
        'x-overflow': 'reject-publish',
        'x-dead-letter-strategy': 'at-least-once',
      },
    });
  });

  it('declares a classic retry tier with the arguments of before (no quorum-only arguments)', () => {
    expect(durableQueueOptions(retryTier('q.retry.1000ms', 'q', 1000), 'classic')).toEqual({
      durable: true,
      arguments: {
        'x-queue-type': 'classic',
        'x-message-ttl': 1000,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': 'q',
      },
    });
  });

  it('declares the events queue, its dead-letter queue and one tier per delay, of the given type', () => {
    const queues = eventQueues('p.sync.events', [1000, 10000]);

    expect(queues.map((q) => q.name)).toEqual([
      'p.sync.events',
      'p.sync.events.dead',
      'p.sync.events.retry.1000ms',
      'p.sync.events.retry.10000ms',
    ]);
    expect(queues.map((q) => durableQueueOptions(q, 'quorum').arguments?.['x-queue-type'])).toEqual(
      Array(4).fill('quorum'),
    );
  });
});

// Against the real broker: which declarations it accepts, refuses and how it dead-letters are its behaviour.
describe(declareDurableQueues.name, () => {
  let amqp: AmqpConnection;
  let prefix: string;
  let warn: ReturnType<typeof jest.spyOn>;
  const created: string[] = [];

  const events = (): string => `${prefix}sync.events`;
  const declareClassicAsBefore = async (names: string[], tiers: number[]): Promise<void> => {
    // What a deployment from before QUEUE_TYPE has: the queues as the previous code declared them.
    await amqp.declare(async (ch) => {
      for (const name of names) await ch.assertQueue(name, { durable: true });
      for (const delay of tiers) {
        await ch.assertQueue(retryQueueName(events(), delay), {
          durable: true,
          arguments: {
            'x-message-ttl': delay,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': events(),
          },
        });
      }
    });
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    amqp = new AmqpConnection(RABBITMQ_URL);
    await amqp.waitForConnect(5000);
  });

  beforeEach(() => {
    prefix = `spec.${randomBytes(4).toString('hex')}.`;
    created.push(
      ...eventQueues(events(), [50, 1000]).map((q) => q.name),
      `${prefix}sync.rpc`,
      `${prefix}other`,
    );
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => warn.mockRestore());

  afterAll(async () => {
    await amqp.declare(async (ch) => {
      for (const name of created) await ch.deleteQueue(name);
    });
    await amqp.close();
  });

  it('declares quorum queues that the broker then refuses to redeclare as classic', async () => {
    const declared = await declareDurableQueues(amqp, eventQueues(events(), [50]), 'quorum');

    expect(declared[events()]).toEqual({
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': deadLetterQueueName(events()),
        'x-overflow': 'reject-publish',
        'x-dead-letter-strategy': 'at-least-once',
      },
    });
    await expect(
      amqp.declare((ch) =>
        ch.assertQueue(deadLetterQueueName(events()), {
          durable: true,
          arguments: { 'x-queue-type': 'classic' },
        }),
      ),
    ).rejects.toThrow(/inequivalent arg 'x-queue-type'/);
    expect(warn).not.toHaveBeenCalled();
  });

  it('dead-letters an expired message from a quorum retry tier back into the quorum events queue', async () => {
    await declareDurableQueues(amqp, eventQueues(events(), [50]), 'quorum');

    await amqp.sendToQueue(retryQueueName(events(), 50), Buffer.from('{"n":1}'));

    const got = await waitFor(async () => {
      let body: string | undefined;
      await amqp.declare(async (ch) => {
        const m = await ch.get(events(), { noAck: true });
        if (m) body = m.content.toString();
      });
      return body;
    });
    expect(got).toBe('{"n":1}');
  });

  it('dead-letters a message the quorum events queue gives up on (rejected, or past a delivery limit)', async () => {
    await declareDurableQueues(amqp, eventQueues(events(), [50]), 'quorum');
    await amqp.sendToQueue(events(), Buffer.from('{"n":2}'));

    await amqp.declare(async (ch) => {
      const m = await waitFor(async () => (await ch.get(events(), { noAck: false })) || undefined);
      ch.nack(m, false, false);
    });

    const got = await waitFor(async () => {
      let body: string | undefined;
      await amqp.declare(async (ch) => {
        const m = await ch.get(deadLetterQueueName(events()), { noAck: true });
        if (m) body = m.content.toString();
      });
      return body;
    });
    expect(got).toBe('{"n":2}');
  });

  it('keeps the classic queues of an existing deployment, with their messages, and says what to do in one line', async () => {
    await declareClassicAsBefore([events(), deadLetterQueueName(events()), `${prefix}sync.rpc`], [50, 1000]);
    await amqp.sendToQueue(events(), Buffer.from('{}'));

    const declared = await declareDurableQueues(
      amqp,
      [{ name: `${prefix}sync.rpc` }, ...eventQueues(events(), [50, 1000])],
      'quorum',
    );

    expect(declared[events()]).toEqual({ durable: true, arguments: { 'x-queue-type': 'classic' } });
    expect(declared[retryQueueName(events(), 1000)]?.arguments).not.toHaveProperty('x-dead-letter-strategy');
    expect(warn).toHaveBeenCalledTimes(1);
    const [fields, line] = warn.mock.calls[0] as [{ queues: string[] }, string];
    expect(line).toMatch(/QUEUE_TYPE=quorum but 5 queue\(s\) already exist as classic queues/);
    expect(line).toMatch(/Set QUEUE_TYPE=classic, or migrate: .*drain.*delete/);
    expect(fields.queues).toContain(`${prefix}sync.rpc`);
    let messageCount = 0;
    await amqp.declare(async (ch) => ({ messageCount } = await ch.checkQueue(events())));
    expect(messageCount).toBe(1);
  });

  it('creates the queues that do not exist yet as quorum beside the classic ones it keeps', async () => {
    await declareClassicAsBefore([events()], []);

    const declared = await declareDurableQueues(amqp, eventQueues(events(), [50]), 'quorum');

    expect(declared[events()]?.arguments?.['x-queue-type']).toBe('classic');
    expect(declared[deadLetterQueueName(events())]?.arguments?.['x-queue-type']).toBe('quorum');
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('keeps existing quorum queues when QUEUE_TYPE=classic, saying so', async () => {
    await declareDurableQueues(amqp, [{ name: `${prefix}other` }], 'quorum');

    const declared = await declareDurableQueues(amqp, [{ name: `${prefix}other` }], 'classic');

    expect(declared[`${prefix}other`]?.arguments?.['x-queue-type']).toBe('quorum');
    expect(warn.mock.calls[0]?.[1]).toMatch(/Set QUEUE_TYPE=quorum/);
  });

  it('rejects a queue that differs in more than its type, as before', async () => {
    await declareClassicAsBefore([], [50]);

    await expect(
      declareDurableQueues(amqp, [retryTier(retryQueueName(events(), 50), events(), 60)], 'quorum'),
    ).rejects.toThrow(/PRECONDITION_FAILED/);
    expect(warn).not.toHaveBeenCalled();
  });
});
