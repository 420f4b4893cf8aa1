import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ExportProfileRequest, type ExportProfileResponse, MessagePattern as P } from '@app/contracts';
import { RpcHandler } from '@app/messaging';
import { ExportService } from './export.service';

@Controller()
export class ExportHandler {
  constructor(private readonly exports: ExportService) {}

  @RpcHandler(P.AuthExportProfile)
  profile(@Payload() dto: ExportProfileRequest): Promise<ExportProfileResponse> {
    return this.exports.profile(dto.userId, dto.sessionId);
  }
}
