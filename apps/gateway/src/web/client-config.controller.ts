import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, type GatewayConfig } from '../config';
import { ClientConfigDto } from './client-config.dto';

// What a browser client needs to know before it signs in: which Link to open. The web app reads it at run time,
// so one build works against the emulator and against Plaid.
@ApiTags('config')
@Controller('v1/config')
export class ClientConfigController {
  constructor(@Inject(APP_CONFIG) private readonly config: GatewayConfig) {}

  @Get()
  @ApiOperation({
    summary: 'Public client settings: the Link in use (Plaid Link or the emulator’s stand-in)',
  })
  @ApiResponse({ status: 200, type: ClientConfigDto })
  get(): ClientConfigDto {
    return this.config.LINK_MODE === 'plaid'
      ? { link: { mode: 'plaid' } }
      : { link: { mode: 'emulator', url: this.config.LINK_EMULATOR_URL } };
  }
}
