import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ExportProfileRequest, type ExportProfileResponse, MessagePattern as P } from '@app/contracts';
import { ExportService } from './export.service';

@Controller()
export class ExportHandler {
  constructor(private readonly exports: ExportService) {}

  @MessagePattern(P.AuthExportProfile)
  profile(@Payload() dto: ExportProfileRequest): Promise<ExportProfileResponse> {
    return this.exports.profile(dto.userId, dto.sessionId);
  }
}
