import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import proxyAddr from '@fastify/proxy-addr';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_MESSAGES } from '../shared/messages.js';
import type { Config } from './config.js';
import { createContext, requestContext, type Ctx } from './context.js';
import { auditActorOf } from './access.js';
import { openDatabase, type Database_ } from './db/index.js';
import { badRequest, setErrorHandlers } from './errors.js';
import type { App } from './http.js';
import { startHousekeeping } from './housekeeping.js';
import { REDACT_PATHS, serializeError, serializeRequest } from './logging.js';
import { enforceAccess } from './access.js';
import { capConnectionsPerAddress, capInFlight, limitLoad, trackHandlers } from './overload.js';
import { refuseCrossSite } from './same-origin.js';
import { HTTP_TIMEOUTS } from '../shared/constants.js';
import { systemResolver, type Resolver } from './modules/webhooks/address-guard.js';
import { WebhookWorker } from './modules/webhooks/webhooks.delivery.js';
import { appRoutes } from './modules/app/app.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { SESSION_COOKIE, sessionToken } from './modules/auth/session-cookie.js';
import { loadAuth } from './modules/auth/auth.sessions.js';
import { loadApiKey } from './modules/integrations/integrations.service.js';
import { integrationRoutes } from './modules/integrations/integrations.routes.js';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.js';
import { exceptionRoutes } from './modules/exceptions/exceptions.routes.js';
import { householdRoutes } from './modules/household/household.routes.js';
import { proofRoutes } from './modules/proofs/proofs.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { statsRoutes } from './modules/stats/stats.routes.js';
import { communityRoutes } from './modules/communities/communities.routes.js';
import { courierAppRoutes } from './modules/parcels/courier-app.routes.js';
import { residentAppRoutes } from './modules/parcels/resident-app.routes.js';
import { courierRoutes } from './modules/couriers/couriers.routes.js';
import { devRoutes } from './modules/dev/dev.routes.js';
import { notificationRoutes } from './modules/notifications/notifications.routes.js';
import { OutboxWorker } from './modules/notifications/outbox.worker.js';
import { type Messaging } from './modules/notifications/messaging.js';
import type { MessageProvider } from './modules/notifications/provider.js';
import { messagingFor } from './modules/notifications/providers.js';
import { payProviderFor } from './modules/payments/providers.js';
import { devPaymentRoutes, paymentRoutes } from './modules/payments/payments.routes.js';
import { startPaymentSweep } from './modules/payments/payments.service.js';
import { deliveryRoutes } from './modules/deliveries/deliveries.routes.js';
import { shipmentRoutes } from './modules/shipments/shipments.routes.js';
import { preferenceRoutes } from './modules/preferences/preferences.routes.js';
import { startReminders } from './modules/notifications/reminders.js';
import { wechatBindingRoutes } from './modules/notifications/wechat-binding.js';
import { opsRoutes } from './modules/ops/ops.routes.js';
import { createMetrics, createReadiness, type Metrics, type ReadinessProbe } from './modules/ops/ops.service.js';
import { orgRoutes } from './modules/orgs/orgs.routes.js';
import { parcelRoutes } from './modules/parcels/parcels.routes.js';
import { residentRoutes } from './modules/residents/residents.routes.js';
import { SPREADSHEET_LIMITS } from './modules/spreadsheets/limits.js';
import { shelfRoutes } from './modules/shelves/shelves.routes.js';
import { staffRoutes } from './modules/staff/staff.routes.js';
import { stationRoutes } from './modules/station/station.routes.js';
import { webRoutes } from './web.js';

z.config(z.locales.zhCN());

declare module 'fastify' {
  interface FastifyInstance {
    ctx: Ctx;
    config: Config;
    outbox: OutboxWorker;
    webhooks: WebhookWorker;
    metrics: Metrics;
    readiness: ReadinessProbe;
  }
}

export interface BuildOptions {
  config: Config;
  /** An open database (tests share one per file); opened from the config when absent. */
  database?: Database_;
  /** The clock; the real one when absent. */
  now?: () => Date;
  /** How messages are sent; from the configuration when absent. */
  messaging?: Messaging;
  /** One provider for both channels (tests): replaces the configured providers. */
  provider?: MessageProvider;
  /** Where the logger writes; standard output when absent (tests read the logs from here). */
  logStream?: NodeJS.WritableStream;
  /** How webhook hosts are resolved; the system's DNS when absent (tests give names their own addresses). */
  resolver?: Resolver;
}

/** Where a parsed query, body or params first holds U+0000 (`body/name`), or null. */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [key, v] of Object.entries(value)) {
    const found = key.includes('\u0000') ? path : nulPath(v, `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Whether a socket's peer is one of the proxies TRUST_PROXY names (as Fastify decides for X-Forwarded-For). */
function trustedProxy(trust: boolean | string): (address: string) => boolean {
  if (trust === false) return () => false;
  if (trust === true) return () => true;
  const fn = proxyAddr.compile(trust.split(',').map((a) => a.trim()));
  return (address) => fn(address, 0);
}

/** Builds the Fastify app: plugins, the error handler, sessions and every module's routes. */
export async function buildApp(opts: BuildOptions): Promise<App> {
  const { config } = opts;
  const database = opts.database ?? openDatabase(config.database, { guardUnits: config.unitGuard });
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            redact: { paths: REDACT_PATHS, censor: '[redacted]' },
            serializers: { req: serializeRequest, err: serializeError },
            ...(opts.logStream ? { stream: opts.logStream } : {}),
          },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // A client that sends its request slowly, or never finishes it, is cut off (Node checks every
    // 2 s): headers within `headersMs`, the whole request within `requestMs`, no socket idle for long.
    requestTimeout: config.timeouts.requestMs,
    connectionTimeout: HTTP_TIMEOUTS.idleMs,
    http: { headersTimeout: config.timeouts.headersMs, requestTimeout: config.timeouts.requestMs, connectionsCheckingInterval: 2000 },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const worker = new OutboxWorker();
  const webhooks = new WebhookWorker({
    allowPrivate: config.webhooks.allowPrivate,
    resolve: opts.resolver ?? systemResolver,
    timeoutMs: config.webhooks.timeoutMs,
  });
  const ctx = createContext({
    db: database.db,
    now: opts.now ?? (() => new Date()),
    log: app.log,
    outboxKick: () => worker.kick(),
    webhookKick: () => webhooks.kick(),
    messaging: opts.messaging ?? messagingFor(config, database.db, opts.provider),
    pay: payProviderFor(config),
  });
  worker.attach(ctx);
  webhooks.attach(ctx);
  app.decorate('ctx', ctx);
  app.decorate('webhooks', webhooks);
  app.decorate('config', config);
  app.decorate('outbox', worker);
  const metrics = createMetrics(ctx, database);
  app.decorate('metrics', metrics);
  app.decorate('readiness', createReadiness(ctx));
  app.decorateRequest('auth', null);
  app.decorateRequest('ctx', null as unknown as Ctx);
  // Every answer, by its route's pattern (404s of unknown paths as one series).
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  setErrorHandlers(app);
  // Bodies are JSON, or multipart on upload routes; text/plain (which Fastify parses by default)
  // is what a cross-site fetch may send without asking, so it has no parser.
  app.removeContentTypeParser('text/plain');

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // antd writes its styles into <style> elements at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    // Only over HTTPS does a browser heed it; subdomains of the company's domain are not ours to bind.
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
  });
  // Answers of the API hold personal data: no browser or proxy keeps them.
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  await app.register(fastifyMultipart, { limits: { fileSize: SPREADSHEET_LIMITS.maxBytes, files: 1 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: '快递代收 API', description: 'Community parcel collection: the HTTP contract.', version: '1.0.0' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          operator: { type: 'http', scheme: 'bearer' },
          metrics: { type: 'http', scheme: 'bearer' },
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key of 开放接口 (kd_…), with the scopes the call names' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  if (config.apiDocs) await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });

  // In this order: the cap on requests in flight (a refusal costs nothing), the origin check, the
  // session, the rate limit (by session), the route's access; all before a body is read.
  const inFlight = capInFlight(app, config.overload.maxInFlight);
  capConnectionsPerAddress(app.server, config.overload.connectionsPerAddress, trustedProxy(config.trustProxy));
  refuseCrossSite(app, config.allowedOrigins);
  const handlersDone = trackHandlers(app);
  app.addHook('onRequest', async (req) => {
    // The open API knows callers by their key only (a browser's cookie there is nobody); the rest by the session.
    if (req.url.startsWith('/api/open/')) {
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (bearer) req.auth = await loadApiKey(ctx, bearer);
    } else {
      const token = sessionToken(req, config.cookieSecure);
      if (token && token.length <= 64) req.auth = await loadAuth(ctx, token);
    }
    // What this request writes is recorded as its caller's, from its address.
    req.ctx = requestContext(ctx, auditActorOf(req));
  });
  await limitLoad(app, config.overload);
  enforceAccess(app, config.operatorToken);
  // PostgreSQL text cannot hold U+0000 (the query fails) and SQLite's LIKE stops at it (a search
  // for it matches everything); no field of the API has a use for it, so it is bad input anywhere.
  app.addHook('preValidation', async (req) => {
    const path = nulPath(req.query, 'querystring') ?? nulPath(req.body, 'body') ?? nulPath(req.params, 'params');
    if (path) {
      const message = '不能包含空字符';
      throw badRequest('validation_error', `${ERROR_MESSAGES.validation_error.zh}：${message}`, { issues: [{ path, code: 'invalid_string', message }] });
    }
  });

  const Health = z.object({ ok: z.boolean(), reason: z.enum(['database', 'overloaded']).optional() });
  await app.register(opsRoutes);
  app.get('/healthz', {
    schema: { tags: ['meta'], summary: '健康检查：数据库可用且未满载', response: { 200: Health, 503: Health } },
    handler: async (_req, reply) => {
      // The cap on requests in flight reached: the API answers 503 to everyone else, so do we.
      if (inFlight.saturated()) return reply.code(503).send({ ok: false, reason: 'overloaded' });
      try {
        await ctx.db.selectFrom('orgs').select('id').limit(1).execute();
        return { ok: true };
      } catch {
        return reply.code(503).send({ ok: false, reason: 'database' });
      }
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const routes of [
    orgRoutes,
    authRoutes,
    appRoutes,
    communityRoutes,
    staffRoutes,
    courierRoutes,
    residentRoutes,
    stationRoutes,
    shelfRoutes,
    parcelRoutes,
    courierAppRoutes,
    residentAppRoutes,
    notificationRoutes,
    wechatBindingRoutes,
    integrationRoutes,
    webhookRoutes,
    exceptionRoutes,
    householdRoutes,
    proofRoutes,
    auditRoutes,
    statsRoutes,
    paymentRoutes,
    deliveryRoutes,
    shipmentRoutes,
    preferenceRoutes,
  ]) {
    await app.register(routes);
  }
  if (config.sms.provider === 'console' && config.env !== 'production') await app.register(devRoutes);
  if (config.pay.provider === 'console' && config.env !== 'production') await app.register(devPaymentRoutes);
  await webRoutes(app, config.webDir);

  let stopHousekeeping = () => {};
  let stopReminders = () => {};
  let stopPaymentSweep = () => {};
  app.addHook('onReady', async () => {
    if (!config.backgroundJobs) return;
    worker.start();
    webhooks.start();
    stopHousekeeping = startHousekeeping(ctx);
    stopReminders = startReminders(ctx, config.reminderHour);
    stopPaymentSweep = startPaymentSweep(ctx);
  });
  app.addHook('onClose', async () => {
    // Requests whose clients gave up are still at work: they finish before the database closes.
    await handlersDone(10_000);
    stopHousekeeping();
    stopReminders();
    stopPaymentSweep();
    await worker.stop();
    await webhooks.stop();
    if (!opts.database) await database.close();
  });
  return app;
}
