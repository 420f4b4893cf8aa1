import { Module } from '@nestjs/common';
import { ClientConfigController } from './client-config.controller';

// The web app's one API need beyond the public routes: GET /v1/config. Its files are served by serveWebApp.
@Module({ controllers: [ClientConfigController] })
export class WebModule {}
