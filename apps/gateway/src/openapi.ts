import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

// The gateway's OpenAPI document: served at /docs (main.ts) and written to apps/web/src/api/openapi.json by
// `npm run openapi` (scripts/openapi), from which the web app's client types are generated.
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Plaid backend API')
      .setDescription(
        'REST API for frontends. Every non-2xx answer is {statusCode, code, message, requestId, details?}.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
}
