import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { serializeError, serializeRequest } from '../src/server/logging.js';
import { UniqueViolation } from '../src/server/db/dialect.js';
import { scanLine } from './support/log-scan.js';

// The scan that the test command runs over the logs of the whole suite (test/support/log-scan.ts).

const line = (o: Record<string, unknown>) => JSON.stringify({ level: 30, time: 1795959517152, pid: 123456, hostname: 'vm', ...o });

describe('the log scan', () => {
  it('finds a phone, a six-digit code, a password and a session token wherever they are in a line', () => {
    const rules = (l: string) => scanLine(l).map((f) => f.rule);
    expect(rules(line({ msg: 'sent to 13912345678' }))).toEqual(['phone']);
    expect(rules(line({ req: { url: '/api/parcels?q=482913' } }))).toEqual(['six-digit code']);
    expect(rules(line({ body: { password: 'admin-pass-123' } }))).toEqual(['password']);
    expect(rules(line({ cookie: 'sid=Zq3vX9_kP2mN-a7bC4dE1f' }))).toEqual(['session token']);
    expect(rules(line({ outboxId: 139123456 }))).toEqual([]);
    expect(rules('not json 13912345678')).toEqual(['phone']);
  });

  it('passes what the server does log: masked URLs, pino timestamps and durations, ids, ISO times', () => {
    expect(
      scanLine(line({ responseTime: 13.607254999999896, req: { url: '/api/parcels?q=*******5678', route: '/api/parcels' }, msg: 'request completed' })),
    ).toEqual([]);
    expect(scanLine(line({ req: { url: '/assets/useBreakpoint-BxTtU9Cp.js' } }))).toEqual([]);
    expect(scanLine(line({ reqId: 'req-1f', at: '2026-01-08T07:30:00.000Z', outboxId: 42, reason: 'E12345 timeout' }))).toEqual([]);
  });

  it('an error is logged with the digits of its message, stack and detail masked', () => {
    const err = Object.assign(new Error('duplicate key value 13912345678'), {
      detail: 'Key (community_id, pickup_code)=(5, 482913) already exists.',
      code: '23505',
    });
    const logged = serializeError(err);
    expect(scanLine(JSON.stringify(logged))).toEqual([]);
    expect(logged).toMatchObject({
      type: 'Error',
      message: 'duplicate key value *******5678',
      detail: 'Key (community_id, pickup_code)=(5, ******) already exists.',
      code: '23505',
    });
  });

  it('a wrapped error is logged with its cause masked too', () => {
    const cause = Object.assign(new Error('duplicate key value 13912345678'), {
      detail: 'Key (community_id, phone)=(5, 13912345678) already exists.',
      code: '23505',
    });
    const logged = serializeError(new UniqueViolation('courier_phone', cause));
    expect(scanLine(JSON.stringify(logged))).toEqual([]);
    expect(logged).toMatchObject({
      type: 'UniqueViolation',
      key: 'courier_phone',
      message: 'unique violation: courier_phone: duplicate key value *******5678',
    });
  });

  it("a request is logged without WeChat's OAuth code and state, and with phones and codes masked", () => {
    const req = (url: string) => ({ method: 'GET', url, ip: '127.0.0.1', routeOptions: { url: '/x' } }) as unknown as FastifyRequest;
    expect(serializeRequest(req('/api/wechat/callback?code=s4ZZxHh15sAdQeKq-U2HSQ&state=abc&next=/resident/')).url).toBe(
      '/api/wechat/callback?code=[redacted]&state=[redacted]&next=/resident/',
    );
    expect(serializeRequest(req('/api/parcels?q=13912345678&page=2')).url).toBe('/api/parcels?q=*******5678&page=2');
    // Line breaks of any kind in a decoded URL are written escaped, so no viewer splits the entry.
    expect(serializeRequest(req('/api/parcels?q=a%0D%0Ab%E2%80%A8c%C2%85d')).url).toBe('/api/parcels?q=a\\u000d\\u000ab\\u2028c\\u0085d');
  });
});
