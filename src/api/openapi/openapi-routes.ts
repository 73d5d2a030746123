import { createRequire } from 'node:module';
import path from 'node:path';
import { Router } from 'express';
import { buildOpenApi, type OpenApiDocument } from './build-openapi.js';

const SPEC_PATH = '/openapi.json';
const DOCS_PATH = '/docs';

// Only what the page below loads; the package also ships a demo index.html and an initializer
// pointing at the public petstore, which must not be reachable from here.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

function swaggerUiDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Guandian API</title>
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

// A file of its own because the app's CSP (script-src 'self') refuses inline scripts.
// validatorUrl null: the default badge would fetch from validator.swagger.io, which the CSP also blocks.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(SPEC_PATH)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout'
});
`;

/**
 * GET /openapi.json and the Swagger UI at GET /docs. Neither needs an API key: the description of
 * the API is not tenant data, and "Authorize" in the UI is how a reader supplies a key to try calls.
 * Mount before the /v1 router and before the web console's catch-all.
 */
export function openapiRoutes(): Router {
  const r = Router();
  let spec: OpenApiDocument | undefined;
  const dir = swaggerUiDir();

  r.get(SPEC_PATH, (_req, res) => {
    // DTO metadata is fixed once the modules are loaded, so the document is built once.
    spec ??= buildOpenApi();
    res.set('Cache-Control', 'no-cache').json(spec);
  });

  r.get(DOCS_PATH, (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(PAGE);
  });

  r.get(`${DOCS_PATH}/init.js`, (_req, res) => {
    res.type('text/javascript; charset=utf-8').set('Cache-Control', 'no-cache').send(INIT_JS);
  });

  for (const [file, type] of Object.entries(ASSETS)) {
    r.get(`${DOCS_PATH}/${file}`, (_req, res, next) => {
      res.type(type).sendFile(path.join(dir, file), { maxAge: '1d' }, (err) => {
        if (err) next(err);
      });
    });
  }

  return r;
}
