import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AmqpConnection, amqpTlsOptions, UnroutableMessageError } from './amqp-connection';
import { rmqClientOptions, rmqServerOptions } from './rmq-options';

const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

// Against the real broker: the mandatory flag and publisher confirms are the broker's behaviour, not ours.
describe(AmqpConnection.name, () => {
  const queue = `spec.${randomBytes(4).toString('hex')}.events`;
  let sut: AmqpConnection;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    sut = new AmqpConnection(RABBITMQ_URL);
    await sut.waitForConnect(5000);
    await sut.declare((ch) => ch.assertQueue(queue, { durable: false, autoDelete: false }));
  });

  afterAll(async () => {
    await sut.declare((ch) => ch.deleteQueue(queue));
    await sut.close();
  });

  it('resolves a confirmed publish to a declared queue', async () => {
    await expect(sut.sendToQueue(queue, Buffer.from('{}'))).resolves.toBeUndefined();
  });

  it('rejects with UnroutableMessageError when no queue takes a mandatory message', async () => {
    await expect(sut.sendToQueue(`${queue}.nobody`, Buffer.from('{}'))).rejects.toBeInstanceOf(
      UnroutableMessageError,
    );
  });

  it('tells each of many concurrent publishes apart when only some are unroutable', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        sut.sendToQueue(i % 2 ? queue : `${queue}.nobody`, Buffer.from('{}')),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? 'fulfilled' : 'rejected')),
    );
  });

  it('resolves a publish that is not mandatory even when no queue takes it', async () => {
    await expect(
      sut.sendToQueue(`${queue}.nobody`, Buffer.from('{}'), { mandatory: false }),
    ).resolves.toBeUndefined();
  });

  it('rejects a declaration the broker refuses, and stays usable', async () => {
    await expect(
      sut.declare((ch) => ch.assertQueue(queue, { durable: true, arguments: { 'x-message-ttl': 5 } })),
    ).rejects.toThrow(/PRECONDITION_FAILED/);
    await expect(sut.sendToQueue(queue, Buffer.from('{}'))).resolves.toBeUndefined();
  });

  it('answers for the same named channel every time', () => {
    expect(sut.channel('spec')).toBe(sut.channel('spec'));
  });

  it('connects to the next node of a RABBITMQ_URL list when the first one is down', async () => {
    const failover = new AmqpConnection(`amqp://guest:guest@127.0.0.1:1, ${RABBITMQ_URL}`);
    try {
      await failover.waitForConnect(5000);

      await expect(failover.sendToQueue(queue, Buffer.from('{}'))).resolves.toBeUndefined();
    } finally {
      await failover.close();
    }
  });
});

describe('rmq transport options', () => {
  const list = 'amqp://u:p@rabbit-1:5672,amqp://u:p@rabbit-2:5672';

  it("gives Nest's RMQ server and client every node of the list", () => {
    const server = rmqServerOptions({ url: list, queue: 'q', prefetch: 1, queueOptions: { durable: true } });

    expect(server.options?.urls).toEqual(['amqp://u:p@rabbit-1:5672', 'amqp://u:p@rabbit-2:5672']);
    expect(rmqClientOptions(list, 'q').options?.urls).toEqual(server.options?.urls);
  });
});

describe(amqpTlsOptions.name, () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'amqp-tls-'));
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, name), `${name} contents`);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds nothing when no file is named (amqp://, or amqps:// to a publicly trusted broker)', () => {
    expect(amqpTlsOptions({ RABBITMQ_CA_FILE: '' })).toEqual({});
  });

  it('reads the CA, certificate and key from the files named', () => {
    const options = amqpTlsOptions({
      RABBITMQ_CA_FILE: join(dir, 'ca.pem'),
      RABBITMQ_CERT_FILE: join(dir, 'cert.pem'),
      RABBITMQ_KEY_FILE: join(dir, 'key.pem'),
    });
    expect(options.ca?.toString()).toBe('ca.pem contents');
    expect(options.cert?.toString()).toBe('cert.pem contents');
    expect(options.key?.toString()).toBe('key.pem contents');
  });

  it('throws when a named file is missing', () => {
    expect(() => amqpTlsOptions({ RABBITMQ_CA_FILE: join(dir, 'nope.pem') })).toThrow(/ENOENT/);
  });
});
