import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { notFound } from '../errors.js';
import type { Services } from '../runtime.js';
import { authenticate, errorHandler, refuseWriteQuery, requireJson, requireUtf8, requireUtf8Query } from './middleware.js';
import { adminRoutes } from './routes/admin-routes.js';
import { documentsRoutes } from './routes/documents-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { tagsRoutes } from './routes/tags-routes.js';
import { requestContext } from './request-context.js';
import { idempotency, rateLimit } from './guards.js';
import { opsRoutes } from './routes/ops-routes.js';
import { privacyRoutes } from './routes/privacy-routes.js';
import { retagRoutes } from './routes/retag-routes.js';
import { modelsRoutes } from './routes/models-routes.js';
import { actionsRoutes } from './routes/actions-routes.js';
import { surveyRoutes } from './routes/survey-routes.js';
import { correctionsRoutes } from './routes/corrections-routes.js';
import { openapiRoutes } from './openapi/openapi-routes.js';
import { queueDashboard } from './queue-dashboard.js';

export function createApp(s: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  // No 'unsafe-inline' for styles: the console sets styles through the CSSOM only (React's style
  // props, ECharts' element.style) and builds chart tooltips as elements (web/src/chart.tsx), so
  // markup with style attributes or <style> elements is refused (tests/e2e/csp.test.ts). The queue
  // dashboard sets a policy of its own (queue-dashboard.ts). Helmet's default upgrade-insecure-requests
  // is left out: on a private deployment reached over plain HTTP at a LAN address (http://10.0.0.5:3000)
  // the browser fetched the console's scripts over https, found no TLS there and showed a blank page
  // (docs audit 2026-11-30). TLS, where a site has it, is the reverse proxy's (docs/operations.md).
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], upgradeInsecureRequests: null },
      },
    }),
  );
  app.use(requestContext(s.logger, s.metrics));
  app.use(healthRoutes(s));
  app.use(opsRoutes(s));
  app.use(openapiRoutes());
  const dashboard = queueDashboard(s);
  if (dashboard) app.use(dashboard);

  const v1 = express.Router();
  v1.use(requireUtf8Query);
  v1.use(requireJson);
  v1.use(express.json({ limit: s.config.bodyLimit, strict: true, verify: requireUtf8 }));
  v1.use(authenticate(s.apiKeys));
  v1.use(rateLimit(s.config.rateLimitPerMinute));
  v1.use(refuseWriteQuery);
  v1.use(idempotency(s.store));
  v1.use(documentsRoutes(s));
  v1.use(tagsRoutes(s));
  v1.use(adminRoutes(s));
  v1.use(privacyRoutes(s));
  v1.use(retagRoutes(s));
  v1.use(modelsRoutes(s));
  v1.use(actionsRoutes(s));
  v1.use(surveyRoutes(s));
  v1.use(correctionsRoutes(s));
  v1.use((req) => {
    throw notFound(`route ${req.method} /v1${req.path}`);
  });
  app.use('/v1', v1);

  // The review UI, built by `npm run build` into web/dist; client-side routes fall back to index.html.
  const index = path.join(s.config.webDir, 'index.html');
  if (fs.existsSync(index)) {
    app.use(express.static(s.config.webDir, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!v1\/|healthz|readyz|metrics|openapi\.json|docs|admin\/queues).*/, (_req, res) => {
      res.sendFile(index);
    });
  }
  // Whatever is left (near-misses of our own paths such as /metricsx, other methods, every path
  // when no UI is built) gets the API's JSON 404, not Express's HTML page.
  app.use((req) => {
    throw notFound(`route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(s.logger));
  return app;
}
