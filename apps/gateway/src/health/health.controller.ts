import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  // Which check failed is for operators (the log, or /health/ready on METRICS_PORT), not for the public.
  @Get('ready')
  @ApiOperation({ summary: 'The broker is reachable and every service answers' })
  @ApiResponse({ status: 503, type: ErrorResponseDto })
  ready(): Promise<{ status: 'ok' }> {
    return this.health.assertReady();
  }
}
