import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DomainError, ErrorCode, MessagePattern } from '@app/contracts';
import { Inject } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import { RevocationsService } from '../auth/revocations.service';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { RpcClients } from '../rpc/rpc-clients';

type CheckState = 'up' | 'down';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly rpc: RpcClients,
    private readonly revocations: RevocationsService,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'The broker is reachable and every service answers' })
  @ApiResponse({ status: 503, type: ErrorResponseDto })
  async ready(): Promise<{ status: 'ok'; checks: Record<string, CheckState> }> {
    const checks: Record<string, CheckState> = {
      broker: this.rpc.all().some((c) => c.isConnected()) ? 'up' : 'down',
      revocations: this.revocations.isReady() ? 'up' : 'down',
    };
    await Promise.all(
      this.rpc.all().map(async (client) => {
        checks[client.service] = await client
          .send(MessagePattern.HealthPing, {}, { timeoutMs: this.config.HEALTH_TIMEOUT_MS })
          .then(
            () => 'up' as const,
            () => 'down' as const,
          );
      }),
    );
    const down = Object.entries(checks).filter(([, state]) => state === 'down');
    if (down.length > 0) {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `Not ready: ${down.map(([name]) => name).join(', ')} down`,
        down.map(([name]) => ({ field: name, messages: ['down'] })),
      );
    }
    return { status: 'ok', checks };
  }
}
